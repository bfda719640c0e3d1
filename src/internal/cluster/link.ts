/**
 * The contract between a thread that uses a cluster and the cluster's link
 * thread (entry/cluster-link.ts), which alone holds the Redis connections
 * (BullMQ's and the queues'). Everything a cluster does is an *op*: a named
 * async function run in the link thread. The caller's side is a ClusterLink:
 * `call` awaits an op, `callSync` blocks the calling thread until it is done
 * (the `...Sync` twins), so a cell's busy loop or blocking call never stops
 * the connection from answering Redis, renewing leases or taking in results.
 */
import type { Redis } from 'ioredis';

/** The calling thread's side of the link. */
export interface ClusterLink {
  /** Runs op `name` with `args` (structured-cloneable) in the link thread; settles with its result or its error (class kept). */
  call(name: string, args: unknown): Promise<unknown>;
  /**
   * The same, blocking this thread until the op is done or `ms` pass (Infinity: no limit);
   * on timeout the op is aborted (its `signal` fires) and TimeoutError is thrown.
   */
  callSync(name: string, args: unknown, ms: number): unknown;
}

/** What an op gets, in the link thread. */
export interface OpContext {
  /** The shared connection, for commands that do not block. */
  readonly redis: Redis;
  /** A connection of its own for a blocking command (BLMOVE, BLPOP...): give it back with `release`. */
  blockingConnection(): Promise<Redis>;
  release(connection: Redis): void;
  /** Prefix of every key loom writes (default 'loom'), so several clusters can share one Redis. */
  readonly prefix: string;
  /** Fires when the caller gives up (timeout, interrupt, close): a blocking op must stop and lose nothing. */
  readonly signal: AbortSignal;
}

/** An op: an async function of the link thread. */
export type Op = (context: OpContext, args: any) => Promise<unknown>;
