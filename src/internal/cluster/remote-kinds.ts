/**
 * What may travel in a cluster job besides plain values: the cluster's own
 * queues, which live in Redis, so a task on any machine can reach them. A
 * worker hands its children the cluster's address in the environment
 * (AMBIENT_ENV), and a queue arriving there is rebuilt on that cluster
 * (distributed/queue-revive.ts), as a pickled manager proxy reconnects to its
 * manager's address in Python.
 */

import type { QueueKind } from './queue-keys.js';

/** The shared-object kind of a cluster queue (internal/share/registry.ts). */
export const CLUSTER_QUEUE_KIND = 'ClusterQueue';

/** Kinds a cluster job may carry (everything else shareable lives in one process). */
export const REMOTE_KINDS: ReadonlySet<string> = new Set([CLUSTER_QUEUE_KIND]);

/** A cluster queue as data: enough to make it again on the same Redis. */
export interface ClusterQueueForm {
  kind: QueueKind;
  name: string;
  /** As given when it was made (null: the stored one). */
  maxsize: number | null;
  leaseMs: number;
}

/** Where a worker's children find their cluster: its URL (password included) and key prefix. */
export const AMBIENT_ENV = { url: 'LOOM_CLUSTER_URL', prefix: 'LOOM_CLUSTER_PREFIX' } as const;
