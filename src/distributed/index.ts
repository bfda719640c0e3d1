/**
 * `loom/distributed`: the same Pool, ProcessPoolExecutor and queues across
 * machines, on Redis through BullMQ. `cluster(url)` is the handle; pass it as
 * a pool's `backend`. Workers are `loom worker URL --processes N` processes.
 * Nothing of this (BullMQ, ioredis) loads unless this module is imported.
 *
 * @module
 */
export { cluster, Cluster, type ClusterOptions, type WorkerInfo } from './cluster.js';
export { localCluster, localClusterUnavailable, LocalCluster, type LocalClusterOptions } from './local-cluster.js';
export { Queue, JoinableQueue, SimpleQueue, type ClusterQueueOptions } from './queues.js';
export { BackendError, BackendLostError, BrokenWorkerError, Empty, Full, NotShippableError } from '../errors.js';
