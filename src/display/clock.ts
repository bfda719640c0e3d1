/**
 * One clock for spans recorded anywhere: the main thread, a Thread, a pool
 * task, a child process. `performance.now()` counts from the start of its
 * process (the worker threads of one process share that origin), so readings
 * from two processes cannot be compared; adding `performance.timeOrigin`
 * (when the process started, in epoch ms) makes them comparable on one
 * machine, with sub-millisecond precision (Date.now() has whole milliseconds
 * only).
 */

/** Milliseconds since the Unix epoch, with sub-millisecond precision. */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}
