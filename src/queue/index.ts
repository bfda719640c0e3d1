/**
 * `loom/queue`: Python's queue module for threads: Queue, LifoQueue,
 * PriorityQueue and SimpleQueue in shared memory, with Empty, Full and
 * ShutDown. Blocking calls return Promises and have `Sync` twins; timeouts
 * are in seconds.
 *
 * @module
 */
export { Queue, LifoQueue, PriorityQueue } from './queue.js';
export { SimpleQueue } from './simple-queue.js';
export type { QueueOptions, PutOptions, GetOptions } from './options.js';
export { Empty, Full, ShutDown, ItemTooLargeError } from '../errors.js';
