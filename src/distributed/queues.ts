/**
 * The cluster's queues: `c.Queue(name, {maxsize})`, `c.JoinableQueue(name,
 * {maxsize})` and `c.SimpleQueue(name)`, Python's multiprocessing queues with
 * their items in Redis, so processes on several machines share one queue by
 * its name. Every call goes to Redis through the cluster's link thread
 * (internal/cluster/queue-ops.ts), so each one returns a Promise and has a
 * `Sync` twin that blocks the calling thread (qsize, empty and full too,
 * unlike the local queues, whose counts are in this process's memory).
 * Items are copied with v8 serialization.
 */
import { deserialize, serialize } from 'node:v8';
import { ArgumentValueError, NotShippableError } from '../errors.js';
import type { ClusterLink } from '../internal/cluster/link.js';
import type { GetArgs, PutArgs, QueueArgs, QueueSize } from '../internal/cluster/queue-ops.js';
import type { QueueKind } from '../internal/cluster/queue-keys.js';
import { CLUSTER_QUEUE_KIND, type ClusterQueueForm } from '../internal/cluster/remote-kinds.js';
import { SHARE, type SharedForm } from '../internal/share/registry.js';
import { optionsObject, typeError, valueError } from '../internal/validate.js';
import { maxsizeValue, waitMs, type GetOptions, type PutOptions } from '../queue/options.js';

/** Options of `c.Queue(name, options)` and `c.JoinableQueue(name, options)`. */
export interface ClusterQueueOptions {
  /**
   * Upper bound on the number of items; `put` waits while it is reached. 0 or less: no bound.
   * Stored with the queue by the first caller that gives one: a later caller (any process)
   * that gives another maxsize, or makes the same name as another kind of queue, gets
   * ArgumentValueError at its first call. Omitted: the stored one; with none stored yet, no bound.
   */
  maxsize?: number;
}

/** What the cluster gives each of its queues: how it reaches Redis and how long a consumer's lease is. */
export interface ClusterQueueSettings {
  /**
   * Seconds a JoinableQueue consumer that stops renewing (dead, frozen, cut off) keeps its
   * items before they go back to the queue for others; its link thread renews every third of it.
   * @default 10
   */
  leaseSeconds?: number;
}

const DEFAULT_LEASE_SECONDS = 10;

/** Python's multiprocessing.Queue takes a negative timeout as zero (Empty or Full at once), where queue.Queue refuses it. */
function waitArg(options: PutOptions | GetOptions | undefined): number | null {
  const timeout = optionsObject<PutOptions>('options', options).timeout;
  const ms = waitMs(typeof timeout === 'number' && timeout < 0 ? { ...options, timeout: 0 } : options);
  return ms === Infinity ? null : ms;
}

function checkedName(name: unknown): string {
  if (typeof name !== 'string') throw typeError('name', 'a string', name);
  if (name.length === 0) throw valueError('name', 'a non-empty string', name);
  return name;
}

function leaseMsOf(settings: ClusterQueueSettings | undefined): number {
  const seconds = settings?.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  if (typeof seconds !== 'number' || !(seconds > 0)) throw valueError('leaseSeconds', 'a positive number of seconds', seconds);
  return Math.max(1, Math.round(seconds * 1000));
}

/**
 * The part every cluster queue shares: its name, kind, stored options, and
 * how an op is called (as a Promise, or blocking this thread).
 */
abstract class ClusterQueueBase {
  readonly #link: ClusterLink;
  readonly #args: QueueArgs;
  readonly #leaseMs: number;
  #closed = false;

  constructor(link: ClusterLink, kind: QueueKind, name: unknown, maxsize: number | null, settings: ClusterQueueSettings | undefined) {
    this.#link = link;
    this.#args = { name: checkedName(name), kind, maxsize };
    this.#leaseMs = leaseMsOf(settings);
  }

  /**
   * @internal As data, for a task on the cluster's workers (args, or captured by a cell's function):
   * rebuilt there on the worker's cluster (distributed/queue-revive.ts).
   */
  [SHARE](): SharedForm {
    const { kind, name, maxsize } = this.#args;
    const form: ClusterQueueForm = { kind, name, maxsize, leaseMs: this.#leaseMs };
    return { kind: CLUSTER_QUEUE_KIND, id: 0, data: form };
  }

  /** The queue's name: every process that names it uses the same queue. */
  get name(): string {
    return this.#args.name;
  }

  /** @internal */
  protected get leaseMs(): number {
    return this.#leaseMs;
  }

  #open(): void {
    if (this.#closed) throw new ArgumentValueError(`this ${this.#args.kind} '${this.#args.name}' is closed: close() was called in this process`);
  }

  /** @internal Runs op `name` with this queue's arguments and `extra`. */
  protected call(name: string, extra: object = {}): Promise<unknown> {
    try {
      this.#open();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#link.call(name, { ...this.#args, ...extra });
  }

  /** @internal The same, blocking this thread (the op keeps its own timeout). */
  protected callSync(name: string, extra: object = {}): unknown {
    this.#open();
    return this.#link.callSync(name, { ...this.#args, ...extra }, Infinity);
  }

  /** @internal The extra arguments of a put. */
  protected putArgs(item: unknown, options: PutOptions | undefined): Omit<PutArgs, keyof QueueArgs> {
    const timeoutMs = waitArg(options);
    let bytes: Buffer;
    try {
      bytes = serialize(item);
    } catch (error) {
      throw new NotShippableError(
        `the item cannot be put in a cluster queue: ${(error as Error).message} Items are copied (v8 serialization): functions, symbols and shared objects cannot be.`,
        { cause: error },
      );
    }
    return { item: bytes, timeoutMs };
  }

  /** @internal The extra arguments of a get. */
  protected getArgs(options: GetOptions | undefined): Omit<GetArgs, keyof QueueArgs> {
    return { timeoutMs: waitArg(options), leaseMs: this.#leaseMs };
  }

  /**
   * This process will use the queue no more: its calls throw ArgumentValueError from now on
   * (Python's `close()`). The queue and its items stay in Redis for the other processes.
   */
  close(): void {
    this.#closed = true;
  }
}

const item = <T>(bytes: unknown): T => deserialize(bytes as Uint8Array) as T;

/**
 * A first-in first-out queue in the cluster's Redis, shared by name between
 * processes on any machine: Python's `multiprocessing.Queue`. Make it with
 * `c.Queue(name, {maxsize})`. `put` waits while the queue holds maxsize
 * items, `get` while it is empty; with `{block: false}` or after `timeout`
 * seconds they throw Full or Empty. A bounded put is atomic (no two processes
 * both take the last place). An item a process takes and then dies with is
 * lost, as in Python; use a JoinableQueue to have it delivered again.
 *
 * @example
 * ```ts
 * const q = c.Queue<number>('results', { maxsize: 1000 });
 * await q.put(42);
 * console.log(await q.get({ timeout: 5 }));
 * ```
 */
export class Queue<T = unknown> extends ClusterQueueBase {
  /** @internal The kind stored with the queue (a subclass says its own). */
  protected static readonly kind: QueueKind = 'Queue';
  readonly #maxsize: number | undefined;

  /** @internal Made by the cluster: `c.Queue(name, options)`. */
  constructor(link: ClusterLink, name: string, options?: ClusterQueueOptions, settings?: ClusterQueueSettings) {
    const { maxsize } = optionsObject<ClusterQueueOptions>('options', options);
    const bound = maxsize === undefined ? undefined : maxsizeValue(maxsize);
    super(link, (new.target as unknown as { kind: QueueKind }).kind, name, bound ?? null, settings);
    this.#maxsize = bound;
  }

  /** The maxsize given when this object was made (undefined: the one stored with the queue, which `full()` uses). */
  get maxsize(): number | undefined {
    return this.#maxsize;
  }

  /** Puts an item at the tail, waiting while the queue is full; Full with `block: false` or after `timeout` seconds. */
  async put(item: T, options?: PutOptions): Promise<void> {
    await this.call('queue.put', this.putArgs(item, options));
  }
  /** `put`, blocking this thread. */
  putSync(item: T, options?: PutOptions): void {
    this.callSync('queue.put', this.putArgs(item, options));
  }

  /** Puts without waiting: Full when there is no room. */
  putNowait(item: T): Promise<void> {
    return this.put(item, { block: false });
  }
  /** `putNowait`, blocking this thread for the round trip. */
  putNowaitSync(item: T): void {
    this.putSync(item, { block: false });
  }

  /** Takes the item at the head, waiting while the queue is empty; Empty with `block: false` or after `timeout` seconds. */
  async get(options?: GetOptions): Promise<T> {
    return item<T>(await this.call('queue.get', this.getArgs(options)));
  }
  /** `get`, blocking this thread. */
  getSync(options?: GetOptions): T {
    return item<T>(this.callSync('queue.get', this.getArgs(options)));
  }

  /** Takes an item without waiting: Empty when there is none. */
  getNowait(): Promise<T> {
    return this.get({ block: false });
  }
  /** `getNowait`, blocking this thread for the round trip. */
  getNowaitSync(): T {
    return this.getSync({ block: false });
  }

  /** Items in the queue now (taken ones that are not yet marked done do not count). */
  async qsize(): Promise<number> {
    return ((await this.call('queue.size')) as QueueSize).size;
  }
  /** `qsize`, blocking this thread. */
  qsizeSync(): number {
    return (this.callSync('queue.size') as QueueSize).size;
  }

  /** Whether the queue holds no items now. */
  async empty(): Promise<boolean> {
    return (await this.qsize()) === 0;
  }
  /** `empty`, blocking this thread. */
  emptySync(): boolean {
    return this.qsizeSync() === 0;
  }

  /** Whether the queue holds its stored maxsize of items now (never, without a bound). */
  async full(): Promise<boolean> {
    return isFull((await this.call('queue.size')) as QueueSize);
  }
  /** `full`, blocking this thread. */
  fullSync(): boolean {
    return isFull(this.callSync('queue.size') as QueueSize);
  }

  /** Python's `join_thread()`: a put is in Redis when it returns, so there is nothing to wait for. */
  async joinThread(): Promise<void> {}

  /** Python's `cancel_join_thread()`: nothing to cancel (see joinThread). */
  cancelJoinThread(): void {}
}

const isFull = ({ size, maxsize }: QueueSize): boolean => maxsize > 0 && size >= maxsize;

/**
 * A cluster Queue whose consumers mark each item done, so a producer can
 * `join()` it: Python's `multiprocessing.JoinableQueue`, made with
 * `c.JoinableQueue(name, {maxsize})`. A consumer that dies (or freezes, or is
 * cut off from Redis) between `get` and `taskDone` has its items delivered
 * again, at the head of the queue, once its lease runs out (the cluster's
 * lease, 10 s by default; the next reaper, a get or a renewal anywhere, looks
 * within half a lease or a second more): every item is processed at least once, and an item whose
 * consumer died is processed twice if it had done its work already, so make
 * that work idempotent. `taskDone` marks the oldest item this process holds;
 * a process that takes several at once should finish them in order.
 *
 * @example
 * ```ts
 * const jobs = c.JoinableQueue<string>('jobs', { maxsize: 10 });
 * // consumers, in any process: for (;;) { const url = await jobs.get(); await fetchIt(url); await jobs.taskDone(); }
 * for (const url of urls) await jobs.put(url);
 * await jobs.join(); // every item put has been marked done
 * ```
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  /** @internal */
  protected static override readonly kind: QueueKind = 'JoinableQueue';

  /**
   * Marks one item this process took with `get` as processed. ArgumentValueError when
   * called more often than items were put ("taskDone() called too many times", Python's
   * ValueError), or when this process's lease ran out and its items went to other consumers.
   */
  async taskDone(): Promise<void> {
    await this.call('queue.taskDone', { leaseMs: this.leaseMs });
  }
  /** `taskDone`, blocking this thread for the round trip. */
  taskDoneSync(): void {
    this.callSync('queue.taskDone', { leaseMs: this.leaseMs });
  }

  /** Waits until every item put (by any process) has been marked done. */
  async join(): Promise<void> {
    await this.call('queue.join');
  }
  /** `join`, blocking this thread. */
  joinSync(): void {
    this.callSync('queue.join');
  }
}

/**
 * An unbounded cluster queue with just put, get and empty: Python's
 * `multiprocessing.SimpleQueue`, made with `c.SimpleQueue(name)`.
 */
export class SimpleQueue<T = unknown> extends ClusterQueueBase {
  /** @internal Made by the cluster: `c.SimpleQueue(name)`. */
  constructor(link: ClusterLink, name: string, settings?: ClusterQueueSettings) {
    super(link, 'SimpleQueue', name, 0, settings);
  }

  /** Puts an item at the tail (never waits: the queue has no bound). */
  async put(item: T): Promise<void> {
    await this.call('queue.put', this.putArgs(item, undefined));
  }
  /** `put`, blocking this thread for the round trip. */
  putSync(item: T): void {
    this.callSync('queue.put', this.putArgs(item, undefined));
  }

  /** Takes the item at the head, waiting while the queue is empty. */
  async get(): Promise<T> {
    return item<T>(await this.call('queue.get', this.getArgs(undefined)));
  }
  /** `get`, blocking this thread. */
  getSync(): T {
    return item<T>(this.callSync('queue.get', this.getArgs(undefined)));
  }

  /** Whether the queue holds no items now. */
  async empty(): Promise<boolean> {
    return ((await this.call('queue.size')) as QueueSize).size === 0;
  }
  /** `empty`, blocking this thread. */
  emptySync(): boolean {
    return (this.callSync('queue.size') as QueueSize).size === 0;
  }
}
