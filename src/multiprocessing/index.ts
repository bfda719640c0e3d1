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
export { Value, SharedArray as Array, SharedArray, RawValue, RawArray, type Typecode, type SharedOptions } from './sharedctypes.js';
export { Empty, Full, EOFError } from '../errors.js';
export type { QueueOptions, PutOptions, GetOptions } from '../queue/options.js';
export { Manager, SyncManager } from './managers.js';
export { DictProxy, type DictInit } from './dict-proxy.js';
export { ListProxy } from './list-proxy.js';
export type { Namespace } from './namespace-proxy.js';
export type { DictKey } from './manager-keys.js';
export { KeyError, IndexError, ManagerStateError } from '../errors.js';
