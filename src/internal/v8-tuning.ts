/**
 * V8 flags loom sets before its first thread starts. Measured here (bench/threads.ts,
 * 6 threads x 1e9-iteration loop called once, 2 cores): with V8's default concurrent
 * on-stack replacement the threads took 8.68 s against 1.50 s sequential (0.17x);
 * with --no-concurrent-osr 1.10 s (1.43x faster than sequential). A loop that runs
 * once in a fresh isolate is only optimised by OSR, and with every core busy the
 * concurrent OSR job rarely gets a core. Flags are process-wide, and a worker
 * created afterwards gets them.
 */
import { setFlagsFromString } from 'node:v8';
import { threadHooks } from './host/threads.js';

let applied = false;

export function tuneV8ForThreads(): void {
  if (applied || !threadHooks.disableConcurrentOsr) return;
  applied = true;
  setFlagsFromString('--no-concurrent-osr');
}
