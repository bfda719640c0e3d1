/**
 * The workers this thread has started and that have not exited yet. Tests use
 * it to prove that nothing outlives them; pools can use it for shutdown.
 */
import { type Worker } from 'node:worker_threads';
// Every module that starts a loom worker imports this one: the interrupt bell is then in this
// thread's environment data before its first worker starts, and every worker inherits it.
import './interrupt-broadcast.js';

const live = new Set<Worker>();
let onEmpty: (() => void)[] = [];

export function trackWorker(worker: Worker): void {
  live.add(worker);
  worker.once('exit', () => {
    live.delete(worker);
    if (live.size === 0) {
      const waiting = onEmpty;
      onEmpty = [];
      for (const resolve of waiting) resolve();
    }
  });
}

/** How many workers started from this thread are still running (OS thread not yet gone). */
export function liveWorkerCount(): number {
  return live.size;
}

/**
 * Resolves with the number of workers still alive once all have exited or
 * `ms` milliseconds have passed, whichever comes first.
 */
export function whenWorkersExited(ms: number): Promise<number> {
  if (live.size === 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(live.size), ms);
    onEmpty.push(() => {
      clearTimeout(timer);
      resolve(0);
    });
  });
}
