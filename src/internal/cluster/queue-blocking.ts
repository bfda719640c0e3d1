/**
 * A blocking Redis command (BLPOP, BLMOVE, XREAD BLOCK) that its caller can
 * give up on. It runs on a connection of its own, in slices (a lost wake-up or
 * a dropped connection costs one slice at most), and an abort sends CLIENT
 * UNBLOCK for that connection on the shared one: Redis then answers the
 * blocked command at once, as on a timeout, unless it already served it, in
 * which case the caller gets what was taken and puts it back. Closing the
 * connection instead could lose an item Redis popped and was sending.
 */
import type { Redis } from 'ioredis';
import type { OpContext } from './link.js';

/** The longest a blocking command waits before its op looks again. */
export const SLICE_MS = 1000;
/**
 * How long a lapsed consumer stays known to the reapers: longer than any
 * blocking slice, so an item the server hands to a consumer frozen in BLMOVE
 * (until its slice times out) is still found and given back.
 */
export const REAP_GRACE_MS = 3 * SLICE_MS;
/** Redis reads a blocking timeout of 0 as "forever": a wait shorter than this counts as over. */
const SHORTEST_MS = 10;

/** Each blocking connection's CLIENT ID, asked once. */
const clientIds = new WeakMap<Redis, Promise<number>>();

function clientIdOf(connection: Redis): Promise<number> {
  let id = clientIds.get(connection);
  if (!id) clientIds.set(connection, (id = connection.client('ID') as Promise<number>));
  return id;
}

/** The error an op stops with when its caller gave up. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('the call was stopped');
}

/** Milliseconds left before `deadline` (Infinity: none), or 0 when too few to block on. */
export function remaining(deadline: number): number {
  const left = deadline - Date.now();
  return left < SHORTEST_MS ? 0 : left;
}

/** The slice to block for next, in ms (at least SHORTEST_MS). */
export function sliceMs(deadline: number): number {
  return Math.max(SHORTEST_MS, Math.min(SLICE_MS, deadline - Date.now()));
}

/**
 * Blocking waits for one op: the connection is taken at the first wait and
 * given back by `close`, which the op calls in a finally.
 */
export class Blocking {
  #connection: Promise<Redis> | undefined;
  readonly #onAbort = () => void this.#unblock();

  constructor(private readonly context: OpContext) {
    context.signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Runs one slice of a blocking command on this op's own connection. */
  async slice<T>(command: (connection: Redis) => Promise<T>): Promise<T> {
    this.#connection ??= this.context.blockingConnection().then(async (connection) => {
      await clientIdOf(connection);
      return connection;
    });
    return command(await this.#connection);
  }

  async #unblock(): Promise<void> {
    if (!this.#connection) return;
    try {
      const id = await clientIdOf(await this.#connection);
      await this.context.redis.client('UNBLOCK', id);
    } catch {
      // The slice ends by itself within SLICE_MS; the op looks at the signal then.
    }
  }

  async close(): Promise<void> {
    this.context.signal.removeEventListener('abort', this.#onAbort);
    if (!this.#connection) return;
    const connection = await this.#connection.catch(() => undefined);
    if (connection) this.context.release(connection);
  }
}
