/**
 * `loom/futures`: Python's concurrent.futures for Node. ThreadPoolExecutor
 * and ProcessPoolExecutor run calls on workers and hand back Futures; wait()
 * and asCompleted() follow several at once. Blocking calls return Promises
 * and have `Sync` twins; timeouts are in seconds.
 *
 * @module
 */
export { Future } from './future.js';
export { Executor, type ShutdownOptions, type ExecutorMapOptions, type ExecutorFunction } from './executor.js';
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from './thread-executor.js';
export { ProcessPoolExecutor, type ProcessPoolExecutorOptions } from './process-executor.js';
export { wait, waitSync, asCompleted, FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED, type ReturnWhen, type WaitOptions, type DoneAndNotDone } from './wait.js';
export { CancelledError, TimeoutError, BrokenWorkerError, PoolStateError, Interrupted } from '../errors.js';
