/**
 * Every Redis key and channel loom's cluster pool uses, under the cluster's
 * prefix (default 'loom'), so several clusters can share one Redis:
 *   {prefix}:tasks:*          BullMQ's keys for the task queue (BullMQ prefix {prefix}, queue 'tasks')
 *   {prefix}:epoch            a random value a client sets once (SET NX): gone or changed = Redis lost its data
 *   {prefix}:workers:{id}     a worker's registry entry (JSON), with a TTL its worker keeps renewing
 *   {prefix}:interrupt        pub/sub channel: JSON array of job ids whose running tasks must stop
 */
export const QUEUE_NAME = 'tasks';

export const epochKey = (prefix: string): string => `${prefix}:epoch`;
export const workerKey = (prefix: string, id: string): string => `${prefix}:workers:${id}`;
export const workerPattern = (prefix: string): string => `${prefix}:workers:*`;
export const interruptChannel = (prefix: string): string => `${prefix}:interrupt`;

/** A worker's registry entry. */
export interface WorkerInfo {
  /** Unique per worker process ({host}:{pid}:{random}). */
  id: string;
  host: string;
  pid: number;
  /** How many tasks it runs at once (its --processes). */
  slots: number;
  versions: { node: string; v8: string; loom: string };
}
