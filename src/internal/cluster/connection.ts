/**
 * The link thread's Redis connection: connected at the first op, every op
 * waits for it at most the connect timeout (then BackendError naming the URL
 * without its password), and it reconnects by itself after a drop. Only the
 * link thread (and `loom worker`) loads this module, and with it ioredis.
 */
import { Redis } from 'ioredis';
import { BackendError } from '../../errors.js';
import { redactUrl, scrub } from './redact.js';
import { connectErrorText } from './tls-trust.js';

export class Connection {
  readonly redis: Redis;
  readonly #url: string;
  readonly #timeoutMs: number;
  #lastError = '';

  constructor(url: string, connectTimeout: number) {
    this.#url = url;
    this.#timeoutMs = connectTimeout * 1000;
    this.redis = newRedis(url, connectTimeout);
    this.redis.on('error', (error: Error) => (this.#lastError = scrub(connectErrorText(error), url)));
    this.redis.on('close', () => {
      if (this.#waiting.size > 0) this.#outageStarted();
    });
    this.redis.on('ready', () => this.#outageEnded());
  }

  /** A fresh connection to the same server (for blocking commands and BullMQ's event reader). */
  duplicate(): Redis {
    const copy = newRedis(this.#url, this.#timeoutMs / 1000);
    copy.on('error', () => {});
    return copy;
  }

  /** Waits for the connection (connecting the first time); BackendError after the connect timeout. */
  async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    if (this.redis.status === 'wait') this.redis.connect().catch(() => {});
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        reject(this.unreachable());
      }, this.#timeoutMs);
      const onReady = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.redis.once('ready', onReady);
    });
  }

  unreachable(): BackendError {
    const why = this.#lastError === '' ? '' : ` (${this.#lastError})`;
    return new BackendError(`cannot reach Redis at ${redactUrl(this.#url)} within ${this.#timeoutMs / 1000} s${why}`);
  }

  /**
   * Runs `command` once connected. It fails with BackendError only when the connection is down for
   * the connect timeout while the command waits (ioredis retries it after a reconnect): a command
   * that merely waits its turn behind thousands of others (a big map's adds) is not cut short.
   */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    await this.ready();
    let fail!: (error: BackendError) => void;
    const down = new Promise<never>((_, reject) => (fail = reject));
    this.#waiting.add(fail);
    if (this.redis.status !== 'ready') this.#outageStarted();
    try {
      return await Promise.race([command(this.redis), down]);
    } finally {
      this.#waiting.delete(fail);
    }
  }

  /** The commands under way, each failed by an outage that outlasts the connect timeout. */
  readonly #waiting = new Set<(error: BackendError) => void>();
  #outage: NodeJS.Timeout | undefined;

  #outageStarted(): void {
    this.#outage ??= setTimeout(() => {
      this.#outage = undefined;
      const error = this.unreachable();
      for (const fail of this.#waiting) fail(error);
    }, this.#timeoutMs);
  }

  #outageEnded(): void {
    clearTimeout(this.#outage);
    this.#outage = undefined;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** ioredis with what BullMQ needs (no retry limit per command) and a steady reconnect. */
export function newRedis(url: string, connectTimeout: number): Redis {
  return new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: connectTimeout * 1000,
    retryStrategy: (times: number) => Math.min(50 * times, 500),
  });
}
