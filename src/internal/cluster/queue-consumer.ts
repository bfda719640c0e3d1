/**
 * A JoinableQueue consumer's lease. Each link (one shared connection: one
 * process's cluster) is one consumer, named by host, pid and a random part.
 * While it waits in get() or holds items it has not marked taskDone, its
 * entry in the queue's consumers (the time of its last renewal) is renewed
 * every third of the lease from the link thread, which never runs user code,
 * so a busy cell does not let it lapse. A consumer that dies or freezes stops
 * renewing; a lease later, whoever reaps next (a get, or any consumer's
 * renewal) gives its items back to the head of the queue, for others to take.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { QueueKeys } from './queue-keys.js';
import { REAP_GRACE_MS } from './queue-blocking.js';
import { scripts } from './queue-scripts.js';

/** One queue this consumer renews its lease on. */
interface Lease {
  readonly keys: QueueKeys;
  readonly leaseMs: number;
  /** get() calls under way (the renewal goes on while any waits, even holding nothing). */
  active: number;
  timer: NodeJS.Timeout;
}

export class Consumer {
  readonly id = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  readonly #leases = new Map<string, Lease>();

  constructor(private readonly redis: Redis) {
    // The connection closed (the cluster closed): nothing left to renew with.
    redis.once('end', () => this.stop());
  }

  /** A get() starts: renew the lease on this queue until it ends and nothing is held. */
  enter(keys: QueueKeys, leaseMs: number): void {
    const lease = this.#leases.get(keys.base) ?? this.#start(keys, leaseMs);
    lease.active++;
  }

  /** A get() ended (with an item or not). */
  leave(keys: QueueKeys): void {
    const lease = this.#leases.get(keys.base);
    if (lease) lease.active--;
  }

  /** Renews the lease on one queue now (also after taking an item by BLMOVE); returns how many items this consumer holds there. */
  async renewNow(keys: QueueKeys, leaseMs: number): Promise<number> {
    return Number(await scripts.renew.run(this.redis, [keys.consumers, keys.pending(this.id)], [keys.base, this.id, leaseMs, REAP_GRACE_MS]));
  }

  #start(keys: QueueKeys, leaseMs: number): Lease {
    const lease: Lease = { keys, leaseMs, active: 0, timer: setInterval(() => void this.#renew(lease), Math.max(50, Math.floor(leaseMs / 3))) };
    lease.timer.unref();
    this.#leases.set(keys.base, lease);
    return lease;
  }

  async #renew(lease: Lease): Promise<void> {
    let held: number;
    try {
      held = await this.renewNow(lease.keys, lease.leaseMs);
    } catch {
      return; // Redis away for now: the next tick tries again (and if the lease lapsed, the items went to others, which is the point).
    }
    // Holding nothing and waiting for nothing: let the lease lapse (nothing to give back); the next get() renews again.
    if (held === 0 && lease.active === 0 && this.#leases.get(lease.keys.base) === lease) {
      clearInterval(lease.timer);
      this.#leases.delete(lease.keys.base);
    }
  }

  stop(): void {
    for (const lease of this.#leases.values()) clearInterval(lease.timer);
    this.#leases.clear();
  }
}

/** The consumer of each link, by its shared connection: ops run with the context of their link, and one link is one process's cluster. */
const consumers = new WeakMap<Redis, Consumer>();

export function consumerOf(redis: Redis): Consumer {
  let consumer = consumers.get(redis);
  if (!consumer) consumers.set(redis, (consumer = new Consumer(redis)));
  return consumer;
}
