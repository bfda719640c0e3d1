/**
 * Workers that cells start (processes, process pools, an executor's
 * processes, threads) never outlive the kernel or its executor: not on
 * shutdown, not when the executor is replaced, not when the kernel is killed
 * with SIGKILL and can clean nothing up.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { describe, it } from 'node:test';
import { KernelClient } from '../../kernel/client/client.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';

/** Starts a spinning Process, a Pool of 2 and a ProcessPoolExecutor of 2, all busy or idle but alive. */
const START_WORKERS = [
  "import { Process, Pool } from 'loom/multiprocessing';",
  "import { ProcessPoolExecutor } from 'loom/futures';",
  "import { Thread } from 'loom/threading';",
  'const spinner = new Process({ target: () => { for (;;) {} } });',
  'spinner.start();',
  'const pool = new Pool({ processes: 2 });',
  'const poolPids = new Set(await pool.map((i: number) => process.pid, [1, 2, 3, 4, 5, 6, 7, 8]));',
  'const executor = new ProcessPoolExecutor({ maxWorkers: 2 });',
  'await executor.submit((n: number) => n * 2, 21);',
  'const looping = new Thread({ target: () => { for (;;) {} }, daemon: true });',
  'looping.start();',
  'spinner.pid',
].join('\n');

/** The kernel's type checker (kernel/checker/checker-process.ts): it lives as long as the kernel, not its executor. */
function isChecker(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${sep}checker${sep}`);
  } catch {
    return false;
  }
}

/** The executor and every worker below it: at least the spinner, the pool's and the executor's processes. */
async function startWorkers(kernel: KernelClient): Promise<number[]> {
  const { reply } = await kernel.execute(START_WORKERS);
  assert.equal(reply.content.status, 'ok', `${reply.content.ename}: ${reply.content.evalue}`);
  const pids = descendantsOf(kernel.process!.pid!).filter((pid) => !isChecker(pid));
  // The executor, the spinner, 2 pool processes, at least 1 executor process.
  assert.ok(pids.length >= 5, `expected the executor and its workers, found ${pids.length} processes`);
  return pids;
}

describe('workers started by cells', () => {
  it('sigkill_of_kernel_leaves_no_workers', async () => {
    const kernel = await KernelClient.start();
    try {
      const pids = await startWorkers(kernel);
      // The executor is busy when its kernel dies: it must still notice, and so must its children.
      void kernel.execute('while (true) {}').catch(() => {});
      kernel.process!.kill('SIGKILL');
      await waitForExit([kernel.process!.pid!, ...pids]);
    } finally {
      await kernel.close();
    }
  });

  it('shutdown_leaves_no_workers', async () => {
    const kernel = await KernelClient.start();
    const pids = await startWorkers(kernel);
    await kernel.close();
    await waitForExit([kernel.process!.pid!, ...pids]);
  });

  it('a_replaced_executor_leaves_no_workers', async () => {
    // A kernel restart is a new kernel process (the client starts it), covered by shutdown above;
    // inside one kernel, the executor is replaced when a cell ignores an interrupt.
    const kernel = await KernelClient.start();
    try {
      const pids = await startWorkers(kernel);
      const { reply } = await kernel.execute("await null; console.log('stuck'); for (;;) {}", {
        onOutput: (m) => m.header.msg_type === 'stream' && void kernel.interrupt(),
      });
      assert.match(String(reply.content.evalue), /restarted.*lost/);
      await waitForExit(pids);
      const after = await kernel.execute('typeof (globalThis as any).pool');
      assert.equal(after.reply.content.status, 'ok', `${after.reply.content.ename}: ${after.reply.content.evalue}`);
      assert.equal(after.iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data['text/plain'], "'undefined'");
    } finally {
      await kernel.close();
    }
  });
});
