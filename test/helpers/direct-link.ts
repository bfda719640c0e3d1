/**
 * A ClusterLink for the queue tests until the cluster's link thread exists on
 * this branch: it runs the queue ops in this thread, with real ioredis
 * connections (one shared, one more for each blocking op, kept for reuse).
 * Arguments and results are structured-cloned, as the real link's messages
 * are, so an op cannot get a live object by accident. `callSync` needs the
 * link thread (a thread cannot block on work its own event loop must do).
 *
 * `close()` aborts the ops under way (their signal fires, as at an interrupt
 * or the cluster's close) and waits for them to stop.
 */
import { Redis } from 'ioredis';
import type { ClusterLink, Op, OpContext } from '../../src/internal/cluster/link.js';
import { queueOps } from '../../src/internal/cluster/queue-ops.js';

export interface DirectLinkOptions {
  /** The keys' prefix. @default 'loom' */
  prefix?: string;
  /** Ops besides the queues'. */
  ops?: Record<string, Op>;
}

export class DirectLink implements ClusterLink, AsyncDisposable {
  readonly redis: Redis;
  readonly #url: string;
  readonly #prefix: string;
  readonly #ops: Record<string, Op>;
  readonly #idle: Redis[] = [];
  readonly #all = new Set<Redis>();
  readonly #running = new Map<AbortController, Promise<unknown>>();
  #closed = false;

  constructor(url: string, options: DirectLinkOptions = {}) {
    this.#url = url;
    this.#prefix = options.prefix ?? 'loom';
    this.#ops = { ...queueOps, ...options.ops };
    this.redis = this.#connect();
  }

  #connect(): Redis {
    // maxRetriesPerRequest null: a blocked command may wait longer than ioredis's retry budget.
    const connection = new Redis(this.#url, { maxRetriesPerRequest: null, lazyConnect: false });
    connection.on('error', () => {}); // reported through the commands that fail
    this.#all.add(connection);
    return connection;
  }

  call(name: string, args: unknown): Promise<unknown> {
    return this.callWithSignal(name, args, new AbortController());
  }

  /** `call`, with the controller whose abort stands for the caller giving up (a timeout, an interrupt). */
  callWithSignal(name: string, args: unknown, controller: AbortController): Promise<unknown> {
    const op = this.#ops[name];
    if (this.#closed) return Promise.reject(new Error('the link is closed'));
    if (!op) return Promise.reject(new Error(`no op named ${name}`));
    const context: OpContext = {
      redis: this.redis,
      prefix: this.#prefix,
      signal: controller.signal,
      blockingConnection: async () => this.#idle.pop() ?? this.#connect(),
      release: (connection) => {
        if (this.#closed) connection.disconnect();
        else this.#idle.push(connection);
      },
    };
    const running = (async () => structuredClone(await op(context, structuredClone(args))))();
    this.#running.set(controller, running);
    const forget = () => this.#running.delete(controller);
    running.then(forget, forget);
    return running;
  }

  callSync(name: string): unknown {
    throw new Error(`${name}: callSync needs the link thread; the direct link runs ops in the calling thread`);
  }

  /** Aborts every op under way, waits for them, and closes the connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const controller of this.#running.keys()) controller.abort(new Error('the link was closed'));
    await Promise.allSettled(this.#running.values());
    await Promise.allSettled([...this.#all].map((connection) => connection.quit()));
    for (const connection of this.#all) connection.disconnect();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
