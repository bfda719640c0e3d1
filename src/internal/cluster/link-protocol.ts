/**
 * The messages between a thread's ClusterLinkClient (link-client.ts) and the
 * cluster's link thread (entry/cluster-link.ts). Both ways they travel in
 * arrays, one message per turn; after each array the link thread bumps MAIL
 * so a thread blocked in a `Sync` call or a busy loop wakes and reads it.
 */
import type { MessagePort } from 'node:worker_threads';
import type { SerializedError } from '../error-wire.js';

/** `workerData.loomLink` of a link thread. */
export interface LinkInit {
  /** The Redis URL, password included: it never leaves the link thread in a message or an error. */
  url: string;
  prefix: string;
  /** Seconds: how often awaited jobs are checked again (events can be lost). */
  lease: number;
  /** Seconds to reach Redis before an op fails with BackendError. */
  connectTimeout: number;
  events: MessagePort;
  /** Int32 [0]: bumped after every array of messages sent to the caller. */
  mail: SharedArrayBuffer;
}

/** Caller → link thread. */
export type LinkCommand =
  | { t: 'call'; id: number; op: string; args: unknown }
  /** The caller gave up on call `id` (timeout): its op's signal fires. */
  | { t: 'abort'; id: number }
  /** Close every connection, then exit. */
  | { t: 'close' };

/** What the link thread tells an engine about one of its jobs, unasked. */
export type JobEvent =
  /** `body`: the result (jobs.ts); `error`: the task's error as jobs.ts wrote it, or why the job failed. */
  | { t: 'job'; owner: number; task: number; ok: true; body: string }
  | { t: 'job'; owner: number; task: number; ok: false; reason: string; lost?: boolean };

/** Link thread → caller. */
export type LinkMessage =
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: SerializedError }
  | JobEvent;
