/**
 * `loom`: Python's concurrency modules for TypeScript. Import a module
 * (`loom/threading`, `loom/queue`, `loom/multiprocessing`, `loom/futures`)
 * or everything from here. Names that two modules share (multiprocessing's
 * Queue and SimpleQueue next to the queue module's, its Array next to the
 * global) are reached through the `multiprocessing` namespace:
 * `multiprocessing.Queue`.
 *
 * @module
 */
export * from './threading/index.js';
export * from './queue/index.js';
export * from './errors.js';
export {
  Process, type ProcessOptions, currentProcess, activeChildren, parentPid, Pool, ThreadPool, AsyncResult, ResultIterator,
  cpuCount, type PoolOptions, type ThreadPoolOptions, type MapOptions, type AsyncCallbacks, type PoolFunction,
  type ModuleFunction, type TaskFunction, JoinableQueue, Pipe, Connection, Value, SharedArray, RawValue, RawArray, type Typecode,
  type SharedOptions, Manager, SyncManager, DictProxy, type DictInit, ListProxy, type Namespace, type DictKey,
} from './multiprocessing/index.js';
export * as multiprocessing from './multiprocessing/index.js';
export * from './futures/index.js';
export * as futures from './futures/index.js';
// Checks that work leaves nothing behind (tests, a notebook's last cell); a host's hooks and interruptWork are in loom/host.
export { liveWorkerCount, whenWorkersExited } from './internal/workers.js';
export { liveChildPids } from './internal/hub/client.js';
