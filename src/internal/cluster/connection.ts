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

  /** Runs `command` once connected, failing with BackendError if Redis does not answer within the connect timeout. */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    await this.ready();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        command(this.redis),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(this.unreachable()), this.#timeoutMs))),
      ]);
    } finally {
      clearTimeout(timer);
    }
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
