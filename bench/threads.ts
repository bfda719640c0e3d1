/**
 * The chapter's 13.3.2 workload: 6 threads each running a busy loop once, on
 * this machine's cores, against the same loops run one after another in the
 * main thread. Each mode runs in a fresh process because V8 flags are global:
 *   v8-default  threadHooks.disableConcurrentOsr = false: V8's flags as Node starts
 *   loom        loom's default: --no-concurrent-osr set before the first thread starts
 *
 *   npx tsc -p . && node dist/bench/threads.js [iterations per thread, default 2e8]
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { threadHooks } from '../src/host/index.js';
import { Thread } from '../src/threading/index.js';

const THREADS = 6;

/** The loop body of the chapter's ThreadTest.run, as a function called once per thread. */
function spin(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x + i) | 0;
  return x;
}

async function child(mode: string, n: number): Promise<void> {
  threadHooks.disableConcurrentOsr = mode === 'loom';
  let t0 = performance.now();
  for (let i = 0; i < THREADS; i++) spin(n);
  const sequential = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const threads = Array.from({ length: THREADS }, () => new Thread({ target: spin, args: [n] }));
  threads.forEach((t) => t.start());
  await Promise.all(threads.map((t) => t.join()));
  const threaded = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ mode, sequential, threaded }));
}

function parent(n: number): void {
  console.log(`threads bench: ${THREADS} threads x ${n.toExponential(0)} iterations, ${availableParallelism()} cores`);
  for (const mode of ['v8-default', 'loom']) {
    const run = spawnSync(process.execPath, [__filename, mode, String(n)], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    const { sequential, threaded } = JSON.parse(run.stdout.trim().split('\n').pop()!) as { sequential: number; threaded: number };
    console.log(`${mode.padEnd(11)} sequential ${sequential.toFixed(2)} s  threads ${threaded.toFixed(2)} s  speed-up ${(sequential / threaded).toFixed(2)}x`);
  }
}

const [modeOrN, nArg] = process.argv.slice(2);
if (modeOrN === 'v8-default' || modeOrN === 'loom') void child(modeOrN, Number(nArg));
else parent(Number(modeOrN ?? 2e8));
