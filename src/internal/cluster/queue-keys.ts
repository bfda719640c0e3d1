/**
 * Where a cluster queue lives in Redis. Every key of one queue shares the
 * hash tag `{name}`, so its Lua scripts touch one slot (a Redis Cluster would
 * keep them on one node); the prefix (OpContext.prefix) lets several clusters
 * share one Redis.
 *
 *   P:q:{N}:meta            hash: kind (stored by the first caller), maxsize (by the first caller that gives one), unfinished
 *   P:q:{N}:items           list: the items (v8-serialized), head = next out
 *   P:q:{N}:space           stream (one entry kept): a getter adds one after taking an item; blocked putters XREAD it
 *   P:q:{N}:joined          stream (one entry kept): taskDone adds one when unfinished reaches 0; join XREADs it
 *   P:q:{N}:consumers       sorted set: JoinableQueue consumer id -> server time (ms) of its last renewal; its link
 *                           thread renews every third of a lease while it holds or waits for items
 *   P:q:{N}:pending:C       list: items consumer C got and has not marked taskDone, oldest first
 *   P:q:{N}:lost:C          count of C's items given back after its lease ran out: its late taskDone calls are refused
 *   P:q:{N}:reaping         NX lock with a TTL of half a lease: reaping runs at most that often
 */

/** The kinds a queue is made as; the first caller stores it, and another kind on the same name is an error. */
export type QueueKind = 'Queue' | 'JoinableQueue' | 'SimpleQueue';

export interface QueueKeys {
  /** The prefix every key of this queue starts with (the Lua scripts build consumers' keys from it). */
  readonly base: string;
  readonly meta: string;
  readonly items: string;
  readonly space: string;
  readonly joined: string;
  readonly consumers: string;
  pending(consumer: string): string;
  lost(consumer: string): string;
}

export function queueKeys(prefix: string, name: string): QueueKeys {
  const base = `${prefix}:q:{${name}}:`;
  return {
    base,
    meta: `${base}meta`,
    items: `${base}items`,
    space: `${base}space`,
    joined: `${base}joined`,
    consumers: `${base}consumers`,
    pending: (consumer) => `${base}pending:${consumer}`,
    lost: (consumer) => `${base}lost:${consumer}`,
  };
}
