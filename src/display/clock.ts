/**
 * One clock for spans recorded anywhere: the main thread, a Thread, a pool
 * task, a child process. `performance.now()` counts from each thread's or
 * process's own start, so its readings cannot be compared between them;
 * adding `performance.timeOrigin` (when that thread started, in epoch ms)
 * makes them comparable on one machine, with sub-millisecond precision
 * (Date.now() has whole milliseconds only).
 */

/** Milliseconds since the Unix epoch, with sub-millisecond precision. */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}
