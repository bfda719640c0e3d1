import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAlive } from '../helpers/processes.js';
import { assertNothingLeftAtEnd } from './helpers.js';

assertNothingLeftAtEnd();

const src = JSON.stringify(join(__dirname, '..', '..', 'src', 'index.js'));

/**
 * Starts a script that owns pool workers and a Process, all in busy loops,
 * and prints their pids; resolves with the script's pid and those pids.
 */
function owner(code: string): Promise<{ pid: number; children: number[] }> {
  const script = spawn(process.execPath, ['-e', `const loom = require(${src});\n${code}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    script.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('pids '));
      if (line) resolve({ pid: script.pid!, children: line.slice(5).split(',').map(Number) });
    });
    script.on('exit', (code) => reject(new Error(`owner exited with ${code} before printing pids: ${out}`)));
  });
}

async function exitWithin(pids: number[], ms: number): Promise<number> {
  const t0 = Date.now();
  while (pids.some(isAlive)) {
    assert.ok(Date.now() - t0 < ms, `still running ${Date.now() - t0} ms after SIGKILL of their owner: ${pids.filter(isAlive).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - t0;
}

// The children named run user code: 2 s is the bound of its lifeline's watcher (its helper thread,
// which may still boot when user code starts) or, on Linux with setpriv, of nothing: the kernel's
// parent-death signal (process-death-signal.test.ts). A child still booting is the last test's case.
test('SIGKILL of a process owning a pool and a Process: its children exit within 2 s, even mid busy loop', async () => {
  const { pid, children } = await owner(`
    const pool = new loom.Pool(2);
    pool.map(() => process.pid, [1, 2], { chunksize: 1 }).then(async (workers) => {
      pool.map(() => { for (;;); }, [1, 2]);
      const running = new loom.multiprocessing.Queue();
      const p = new loom.Process({ target: (running) => { running.putSync(1); for (;;); }, args: [running] });
      p.start();
      await running.get();
      console.log('pids ' + [...new Set(workers), p.pid].join(','));
    });
  `);
  process.kill(pid, 'SIGKILL');
  assert.equal(children.length, 3);
  await exitWithin(children, 2000);
});

test("the same for the executors' worker processes", async () => {
  const { pid, children } = await owner(`
    const executor = new loom.ProcessPoolExecutor({ maxWorkers: 2 });
    Promise.all([executor.submit(() => process.pid), executor.submit(() => process.pid)]).then((workers) => {
      for (let i = 0; i < 4; i++) executor.submit(() => { for (;;); });
      console.log('pids ' + [...new Set(workers)].join(','));
    });
  `);
  process.kill(pid, 'SIGKILL');
  assert.equal(children.length, 2);
  await exitWithin(children, 2000);
});

test('SIGKILL of its owner right after start(), while the child still boots: the child exits too', async () => {
  const { pid, children } = await owner(`
    const p = new loom.Process({ target: () => { for (;;); } });
    p.start();
    console.log('pids ' + p.pid);
  `);
  process.kill(pid, 'SIGKILL');
  // The kernel kills it at once where setpriv sets its parent-death signal; otherwise it notices at
  // the first line of its entry (src/entry/process-lifeline.ts), after Node's own boot, which on a
  // loaded 2-core machine takes seconds: the bound is for that boot, not for loom.
  await exitWithin(children, 10_000);
});
