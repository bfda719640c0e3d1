/**
 * `loom/multiprocessing`: Python's multiprocessing module for Node. Process
 * and Pool run code in child processes (functions travel by source, values by
 * copy); ThreadPool is the same pool API on threads. Blocking calls return
 * Promises and have `Sync` twins; timeouts are in seconds.
 *
 * @module
 */
export { Process, type ProcessOptions } from './process.js';
export { currentProcess, activeChildren, parentPid } from './current.js';
export { Pool } from './pool.js';
export { ThreadPool } from './thread-pool.js';
export { AsyncResult, ResultIterator } from './async-result.js';
export { cpuCount, type PoolOptions, type ThreadPoolOptions, type MapOptions, type AsyncCallbacks } from './options.js';
export type { PoolFunction } from './pool-base.js';
export type { ModuleFunction, TaskFunction } from '../internal/pool/fn-ref.js';
export { BrokenWorkerError, PoolStateError, ProcessStateError, TimeoutError, RecursiveSpawnError, Interrupted } from '../errors.js';
export { Queue, JoinableQueue, SimpleQueue } from './queues.js';
export { Pipe, Connection } from './connection.js';
/**
 * The synchronisation primitives: the same classes as loom/threading's. Passed
 * to a child process (Process args or fields, pool tasks and initargs,
 * ProcessPoolExecutor calls) they work across processes, as Python's
 * multiprocessing ones do: the child reaches them through its parent's hub.
 */
export { Lock } from '../threading/lock.js';
export { RLock } from '../threading/rlock.js';
export { Condition } from '../threading/condition.js';
export { Semaphore, BoundedSemaphore } from '../threading/semaphore.js';
export { Event } from '../threading/event.js';
export { Barrier, type BarrierOptions } from '../threading/barrier.js';
export type { AcquireOptions } from '../threading/acquire-options.js';
export { Value, SharedArray as Array, SharedArray, RawValue, RawArray, type Typecode, type SharedOptions } from './sharedctypes.js';
export { Empty, Full, EOFError } from '../errors.js';
export type { QueueOptions, PutOptions, GetOptions } from '../queue/options.js';
export { Manager, SyncManager } from './managers.js';
export { DictProxy, type DictInit } from './dict-proxy.js';
export { ListProxy } from './list-proxy.js';
export type { Namespace } from './namespace-proxy.js';
export type { DictKey } from './manager-keys.js';
export { KeyError, IndexError, ManagerStateError } from '../errors.js';
