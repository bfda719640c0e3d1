/**
 * `loom/threading`: Python's threading module for Node, on worker_threads
 * and SharedArrayBuffer. Blocking calls come in two forms: a Promise
 * (`await t.join()`) and a `Sync` twin that blocks the thread with
 * Atomics.wait (`t.joinSync()`). Timeouts are in seconds, as in Python.
 *
 * @module
 */
export { Thread, type ThreadOptions } from './thread.js';
export { currentThread, mainThread, getIdent, getNativeId, activeCount } from './current.js';
export { Lock } from './lock.js';
export { RLock } from './rlock.js';
export { Condition } from './condition.js';
export { Semaphore, BoundedSemaphore } from './semaphore.js';
export { Event } from './event.js';
export { Barrier, type BarrierOptions } from './barrier.js';
export { Held } from './held.js';
export type { AcquireOptions } from './acquire-options.js';
export { BrokenBarrierError, ThreadStateError, LockNotHeldError, SemaphoreOverreleasedError } from '../errors.js';
