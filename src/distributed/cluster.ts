/** cluster(): the handle on a Redis that `loom worker` processes serve, for Pool, ProcessPoolExecutor and the cluster's queues. */
import { BackendError } from '../errors.js';
import { ClusterLinkClient } from '../internal/cluster/link-client.js';
import type { ClusterLink } from '../internal/cluster/link.js';
import type { WorkerInfo } from '../internal/cluster/keys.js';
import { redactUrl } from '../internal/cluster/redact.js';
import { RemoteEngine } from '../internal/cluster/remote-engine.js';
import type { BackendEngineSpec, PoolBackend } from '../internal/pool/backend.js';
import type { Engine } from '../internal/pool/engine.js';
import { optionsObject, typeError, valueError } from '../internal/validate.js';
import { JoinableQueue, Queue, SimpleQueue, type ClusterQueueOptions } from './queues.js';

export type { WorkerInfo } from '../internal/cluster/keys.js';

export interface ClusterOptions {
  /**
   * Signs every job (HMAC-SHA256); workers started with the same secret
   * (`--secret-file` or `LOOM_SECRET`) run no job without a valid signature.
   * Anyone who can write to the Redis can otherwise run code on every worker.
   * @default undefined: jobs unsigned
   */
  secret?: string | Buffer;
  /**
   * Seconds: how often jobs still awaited are checked again in Redis (the
   * workers' own lease is their `--lease`), and how long a JoinableQueue
   * consumer that stops renewing keeps the items it took. @default 30
   */
  lease?: number;
  /** Seconds to reach Redis before an operation fails with BackendError. @default 5 */
  connectTimeout?: number;
  /** Prefix of every Redis key (several clusters can share one Redis). @default 'loom' */
  prefix?: string;
}

const links = new WeakMap<Cluster, ClusterLinkClient>();

/**
 * The cluster's link (internal/cluster/link.ts): how the cluster's queues
 * (`c.Queue` and co., in this folder) run their ops in the link thread.
 * @internal
 */
export function clusterLink(cluster: Cluster): ClusterLink {
  const link = links.get(cluster);
  if (!link) throw typeError('cluster', 'a Cluster from cluster(url)', cluster);
  return link;
}

/**
 * A Redis that `loom worker` processes serve (on this machine or others):
 * give it to a Pool or ProcessPoolExecutor as `backend` and their tasks run
 * there, with the same API and results. Its connections live in a thread of
 * their own (the link thread), so a busy loop or a `Sync` call here never
 * stops results from arriving.
 *
 * @example
 * ```ts
 * await using c = cluster('redis://:password@10.0.0.5:6379', { secret });
 * using pool = new Pool({ backend: c });
 * await pool.map(prime, numbers);
 * ```
 */
export class Cluster implements PoolBackend {
  /** The Redis URL without its password. */
  readonly url: string;
  readonly #secret: string | Buffer | undefined;
  readonly #connectTimeout: number;
  readonly #lease: number;

  /** @internal Use cluster(url, options). */
  constructor(url: string, options?: ClusterOptions) {
    if (typeof url !== 'string') throw typeError('url', "a Redis URL ('redis://host:6379' or 'rediss://...')", url);
    if (!/^rediss?:\/\//.test(url)) throw valueError('url', "a Redis URL ('redis://host:6379' or 'rediss://...')", redactUrl(url));
    const { secret, lease, connectTimeout, prefix } = optionsObject<ClusterOptions>('options', options);
    if (secret !== undefined && typeof secret !== 'string' && !Buffer.isBuffer(secret)) throw typeError('secret', 'a string or a Buffer', '(not shown)');
    if (secret !== undefined && secret.length === 0) throw valueError('secret', 'not empty', '(not shown)');
    this.url = redactUrl(url);
    this.#secret = secret;
    this.#connectTimeout = seconds('connectTimeout', connectTimeout, 5);
    const p = prefix ?? 'loom';
    if (typeof p !== 'string' || p === '' || /[\s*?[\]]/.test(p)) throw valueError('prefix', 'a non-empty string without spaces or glob characters', p);
    this.#lease = seconds('lease', lease, 30);
    links.set(this, new ClusterLinkClient({ url, prefix: p, lease: this.#lease, connectTimeout: this.#connectTimeout }));
  }

  /** The workers connected now (each `loom worker` process): id, host, pid, slots, versions. */
  async workers(): Promise<WorkerInfo[]> {
    return (await links.get(this)!.call('pool.workers', {})) as WorkerInfo[];
  }

  /**
   * The queue named `name` in this cluster's Redis: every process that names it, on any machine, uses
   * the same one (Python's `multiprocessing.Queue`, across machines). `maxsize` is stored with the queue.
   */
  Queue<T = unknown>(name: string, options?: ClusterQueueOptions): Queue<T> {
    return new Queue<T>(clusterLink(this), name, options, { leaseSeconds: this.#lease });
  }

  /**
   * A Queue with `taskDone()` and `join()` (Python's `multiprocessing.JoinableQueue`). A consumer that
   * dies, freezes or is cut off between `get` and `taskDone` for longer than the cluster's `lease` has
   * its item delivered again.
   */
  JoinableQueue<T = unknown>(name: string, options?: ClusterQueueOptions): JoinableQueue<T> {
    return new JoinableQueue<T>(clusterLink(this), name, options, { leaseSeconds: this.#lease });
  }

  /** An unbounded queue with `put`, `get` and `empty` only (Python's `multiprocessing.SimpleQueue`). */
  SimpleQueue<T = unknown>(name: string): SimpleQueue<T> {
    return new SimpleQueue<T>(clusterLink(this), name, { leaseSeconds: this.#lease });
  }

  /** Like workers(), blocking this thread. */
  workersSync(): WorkerInfo[] {
    return links.get(this)!.callSync('pool.workers', {}, (this.#connectTimeout + 5) * 1000) as WorkerInfo[];
  }

  /**
   * @internal A Pool's or executor's engine on this cluster. Without a size it
   * asks Redis for the workers' slots now (BackendError when unreachable);
   * with one, nothing connects before the first task.
   */
  engine(spec: BackendEngineSpec): Engine {
    const link = links.get(this)!;
    if (link.closed) throw new BackendError('the cluster is closed');
    if (spec.size !== undefined) {
      const engine = new RemoteEngine({ link, size: spec.size, remoteWorkers: undefined, secret: this.#secret });
      // For the progress bar only: how many workers there are, when Redis says.
      this.workers().then((workers) => engine.setRemoteWorkers(workers.length), () => {});
      return engine;
    }
    const workers = this.workersSync();
    const slots = workers.reduce((sum, worker) => sum + worker.slots, 0);
    return new RemoteEngine({ link, size: Math.max(1, slots), remoteWorkers: workers.length, secret: this.#secret });
  }

  /** Closes the connections (the pools on it should be done). */
  async close(): Promise<void> {
    await links.get(this)!.close();
  }

  /** `await using c = cluster(url)`: close() at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function seconds(argument: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) throw typeError(argument, 'a number of seconds', value);
  if (!(value > 0) || !Number.isFinite(value)) throw valueError(argument, 'a positive number of seconds', value);
  return value;
}

/**
 * A cluster on the Redis at `url` (`redis://[:password@]host:port[/db]`, or
 * `rediss://` for TLS), whose `loom worker` processes run the tasks of the
 * pools and executors given it as `backend`. Nothing connects until it is
 * first used; Redis unreachable then is a BackendError naming the URL
 * without its password, within `connectTimeout`.
 */
export function cluster(url: string, options?: ClusterOptions): Cluster {
  return new Cluster(url, options);
}
