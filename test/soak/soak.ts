/**
 * The soak: thousands of cells of mixed work against one kernel, through
 * KernelClient, with the resident memory of the kernel, its executor and the
 * user's type checker (a process of its own, shared by the user's kernels)
 * sampled from /proc after a full garbage collection in the executor. Fails
 * (exit code 1) if any reply is missing or wrong, or if any of those
 * processes' RSS grows by more than 20% after the warm-up.
 *
 *   npm run soak            # 5,000 cells
 *   npm run soak -- 500     # a shorter run
 *
 * Not part of `npm test`: it takes minutes. The README's "Reliability" section
 * has the figures of its last full run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelClient } from '../../kernel/client/client.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { CELL_KINDS, COLLECT_GARBAGE, SETUP, type CellKind } from './cells.js';
import { MemoryWatch } from './memory.js';
import { sharedCheckerPids } from '../../bench/lib/proc-memory.js';

const DEFAULT_CELLS = 5000;
/** RSS may grow this much (a fraction) between the end of the warm-up and the end of the run. */
const GROWTH_LIMIT = 0.2;
/** About this many RSS samples per run. */
const SAMPLES = 200;

function cellCount(): number {
  const given = process.argv[2];
  if (given === undefined) return DEFAULT_CELLS;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 50) throw new Error(`the cell count must be a whole number of at least 50; got ${JSON.stringify(given)}`);
  return n;
}

/** The executor: the kernel's child process running the executor runtime. */
function executorPid(kernel: number): number {
  const [pid] = descendantsOf(kernel).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(join('executor', 'runtime', 'main.js'));
    } catch {
      return false;
    }
  });
  if (pid === undefined) throw new Error('no executor process found under the kernel');
  return pid;
}

/** Collects the executor's garbage (COLLECT_GARBAGE), then samples the processes. */
async function sampleAfterCollecting(kernel: KernelClient, memory: MemoryWatch): Promise<void> {
  const collected = await kernel.execute(COLLECT_GARBAGE, { timeoutMs: 60_000 });
  assert.equal(collected.reply.content.status, 'ok', `the garbage-collecting cell failed: ${collected.reply.content.evalue}`);
  memory.sample();
}

async function main(): Promise<void> {
  const total = cellCount();
  const warmup = Math.max(50, Math.round(total / 10));
  // Whole cycles of the cell kinds, so that every sample comes after the same kind: the 'result'
  // cell, two cells after the last one that ended pools. A sample taken just after a pool closed
  // would count its workers' memory, which the process is still giving back.
  const cycle = CELL_KINDS.length;
  const sampleEvery = Math.max(1, Math.round(total / SAMPLES / cycle)) * cycle;
  const sampleAfter = CELL_KINDS.findIndex((kind) => kind.name === 'result');
  const dir = mkdtempSync(join(tmpdir(), 'loom-soak-'));
  const kernel = await KernelClient.start({ cwd: dir, stderr: 'inherit' });
  const kernelPid = kernel.process!.pid!;
  const failures: string[] = [];
  const counts = new Map<string, number>();
  const started = Date.now();
  try {
    const setup = await kernel.execute(SETUP);
    assert.equal(setup.reply.content.status, 'ok', `the setup cell failed: ${setup.reply.content.evalue}`);
    const executor = executorPid(kernelPid);
    // The user's shared type checker this kernel uses (kernel/checker/shared-server.ts), when there is one.
    const [checker] = sharedCheckerPids();
    const memory = new MemoryWatch({ kernel: kernelPid, executor, ...(checker !== undefined && { checker }) });
    await sampleAfterCollecting(kernel, memory);
    for (let i = 0; i < total; i++) {
      const kind: CellKind = CELL_KINDS[i % CELL_KINDS.length]!;
      counts.set(kind.name, (counts.get(kind.name) ?? 0) + 1);
      try {
        const execution = await kernel.execute(kind.code(i), { stopOnError: false, timeoutMs: 60_000, onInput: kind.answer });
        const wrong = kind.check(execution, i);
        if (wrong) failures.push(`cell ${i} (${kind.name}): ${wrong}`);
      } catch (error) {
        failures.push(`cell ${i} (${kind.name}): no reply: ${(error as Error).message}`);
      }
      if (i + 1 === warmup) memory.markWarm();
      if (i % sampleEvery === sampleAfter) await sampleAfterCollecting(kernel, memory);
      if ((i + 1) % 500 === 0) console.log(`${i + 1}/${total} cells, ${((Date.now() - started) / 1000).toFixed(0)} s, RSS now (not right after a collection): ${memory.now()}`);
      if (failures.length > 20) break;
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`\n${total} cells (${[...counts].map(([name, n]) => `${n} ${name}`).join(', ')}) in ${seconds.toFixed(0)} s, ${(total / seconds).toFixed(1)} cells/s`);
    console.log(`missing or wrong replies: ${failures.length}`);
    for (const failure of failures.slice(0, 20)) console.log(`  ${failure}`);
    const growth = memory.report(GROWTH_LIMIT);
    for (const line of growth.lines) console.log(line);
    if (executorPid(kernelPid) !== executor) failures.push('the executor was replaced during the run');
    process.exitCode = failures.length > 0 || !growth.ok ? 1 : 0;
    console.log(process.exitCode === 0 ? 'soak passed' : 'soak FAILED');
  } finally {
    const children = descendantsOf(kernelPid);
    await kernel.close();
    await waitForExit(children, 10_000).catch((error: Error) => {
      console.log(`left behind: ${error.message}`);
      process.exitCode = 1;
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
