/**
 * multiprocessing.Queue, JoinableQueue and SimpleQueue: queues that processes
 * share. A queue lives in the shared memory of the process that makes it (the
 * queue module's ring), so that process's threads use it directly, as fast as
 * a threading queue; a child process given the queue (in Process args, a
 * pool's initargs or a task's arguments) reaches it through its parent's hub.
 */
import { ArgumentValueError, NotShippableError } from '../errors.js';
import { hubClient } from '../internal/hub/client.js';
import { adopt, registerShareable, remember, revive, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { queueOptions, waitMs, type GetOptions, type PutOptions, type QueueOptions } from '../queue/options.js';
import { Queue as ThreadQueue } from '../queue/queue.js';
import { H } from '../internal/ring/layout.js';
import { RemoteQueue, type RemoteQueueForm } from './queue-remote.js';

/** A queue's form for threads of this process: the inner threading queue. For a process: how to reach it. */
type QueueData = { inner: SharedForm } | { remote: RemoteQueueForm };

/**
 * Python's multiprocessing.Queue takes a negative timeout as zero (get raises
 * Empty, put Full, at once), where queue.Queue, which a local queue is, refuses it.
 */
function negativeAsZero<O extends PutOptions | GetOptions>(options: O | undefined): O | undefined {
  const timeout = (options as PutOptions | undefined)?.timeout;
  return typeof timeout === 'number' && timeout < 0 ? { ...options, timeout: 0 } as O : options;
}

/**
 * A first-in first-out queue shared between processes (and threads), like
 * Python's `multiprocessing.Queue`. Items are copied (v8 serialization).
 * Blocking calls return Promises and have `Sync` twins; timeouts in seconds.
 * In a child process the calls go to the parent that made the queue, and the
 * Promise forms block that child's main thread while they wait.
 *
 * @example
 * ```ts
 * const q = new multiprocessing.Queue<string>();
 * const p = new Process({ target: (q) => q.putSync('hello'), args: [q] });
 * p.start();
 * console.log(await q.get());
 * ```
 */
export class Queue<T = unknown> implements Shareable {
  readonly #id: number;
  readonly #local: ThreadQueue<T> | undefined;
  readonly #remote: RemoteQueue | undefined;
  readonly #maxsize: number;
  readonly #byteCapacity: number;
  #closed = false;

  /** @param options maxsize as a number (Python's `Queue(maxsize)`), or {maxsize, byteCapacity}. */
  constructor(options?: number | QueueOptions) {
    const { id, data } = adopt<QueueData>();
    this.#id = id;
    if (data && 'remote' in data) {
      this.#remote = new RemoteQueue(data.remote);
      this.#maxsize = data.remote.maxsize;
      this.#byteCapacity = data.remote.byteCapacity;
    } else {
      this.#local = data ? (revive(data.inner) as ThreadQueue<T>) : new ThreadQueue<T>(queueOptions(options));
      const buffer = this.#buffer();
      this.#maxsize = new Int32Array(buffer)[H.MAXSIZE];
      this.#byteCapacity = new Int32Array(buffer)[H.CAPACITY];
    }
    if (id !== 0) remember(id, this);
  }

  #buffer(): SharedArrayBuffer {
    return (this.#local![SHARE]().data as { buffer: SharedArrayBuffer }).buffer;
  }

  /** @internal The registry kind. */
  protected kind(): string {
    return 'mp.Queue';
  }

  #open(): void {
    if (this.#closed) throw new ArgumentValueError(`this ${this.constructor.name} is closed: close() was called in this process`);
  }

  /** @internal The remote side, or undefined in the process that made the queue. */
  protected get remote(): RemoteQueue | undefined {
    return this.#remote;
  }

  /** @internal The threading queue underneath, in the process that made the queue. */
  protected get local(): ThreadQueue<T> | undefined {
    return this.#local;
  }

  /** The bound on items given at construction (0: none). */
  get maxsize(): number {
    return this.#maxsize;
  }

  /** Items in the queue now (in a child, asked of the parent). */
  qsize(): number {
    return this.#local ? this.#local.qsize() : this.#remote!.qsize();
  }
  /** Whether the queue holds no items now. */
  empty(): boolean {
    return this.qsize() === 0;
  }
  /** Whether the queue holds maxsize items now (never, without a maxsize). */
  full(): boolean {
    return this.#maxsize > 0 && this.qsize() >= this.#maxsize;
  }

  /** Puts an item, blocking this thread while the queue is full; Full on timeout. */
  putSync(item: T, options?: PutOptions): void {
    this.#open();
    options = negativeAsZero(options);
    if (this.#local) return this.#local.putSync(item, options);
    const ms = waitMs(options);
    this.#remote!.put(item, ms <= 0 ? -1 : ms);
  }

  /** Puts an item, waiting without blocking the event loop while the queue is full (in a child: blocking). */
  async put(item: T, options?: PutOptions): Promise<void> {
    this.#open();
    options = negativeAsZero(options);
    if (this.#local) return this.#local.put(item, options);
    this.putSync(item, options);
  }

  /** Puts without waiting; throws Full when there is no room. */
  putNowait(item: T): void {
    this.putSync(item, { block: false });
  }

  /**
   * @internal Puts, blocking, and returns once the item is in the queue: in a
   * child, where a put is otherwise sent without waiting, after the hub's answer.
   */
  putSyncSettled(item: T): void {
    this.#open();
    if (this.#local) return this.#local.putSync(item);
    this.#remote!.putAndWait(item);
  }

  /** Takes an item, blocking this thread while the queue is empty; Empty on timeout. */
  getSync(options?: GetOptions): T {
    this.#open();
    options = negativeAsZero(options);
    if (this.#local) return this.#local.getSync(options);
    const ms = waitMs(options);
    return this.#remote!.get(ms <= 0 ? -1 : ms) as T;
  }

  /** Takes an item, waiting without blocking the event loop (in a child: blocking). */
  async get(options?: GetOptions): Promise<T> {
    this.#open();
    options = negativeAsZero(options);
    if (this.#local) return this.#local.get(options);
    return this.getSync(options);
  }

  /** Takes an item without waiting; throws Empty when there is none. */
  getNowait(): T {
    return this.getSync({ block: false });
  }

  /** This process will use the queue no more: put and get throw from now on (Python's close). */
  close(): void {
    this.#closed = true;
    this.#remote?.handBack();
  }

  /** Python's join_thread(): puts are written at once here, so there is nothing to wait for. */
  async joinThread(): Promise<void> {}

  /** Python's cancel_join_thread(): nothing to cancel (see joinThread). */
  cancelJoinThread(): void {}

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    if (target !== 'process') {
      const data: QueueData = this.#local ? { inner: this.#local[SHARE]() } : { remote: this.#remote!.form };
      return { kind: this.kind(), id: this.#id, data };
    }
    if (this.#remote) {
      throw new NotShippableError(`this ${this.constructor.name} came from another process; it reaches the processes that process starts, not those started from here`);
    }
    // The hub that starts the process serves the queue to it.
    hubClient().send({ t: 'queue-serve', queue: this.#id, buffer: this.#buffer() });
    const remote: RemoteQueueForm = { queue: this.#id, ownerPid: process.pid, maxsize: this.#maxsize, byteCapacity: this.#byteCapacity };
    // Id 0: ids are unique within one process only.
    return { kind: this.kind(), id: 0, data: { remote } satisfies QueueData };
  }
}

/** A Queue whose items are marked done by consumers, so a producer can join() it: Python's `JoinableQueue`. */
export class JoinableQueue<T = unknown> extends Queue<T> {
  protected override kind(): string {
    return 'mp.JoinableQueue';
  }

  /** Marks one item taken with get() as processed; join() returns once every item put is. */
  taskDone(): void {
    if (this.local) this.local.taskDone();
    else this.remote!.taskDone();
  }

  /** Blocks this thread until every item put has been marked taskDone(). */
  joinSync(): void {
    if (this.local) this.local.joinSync();
    else this.remote!.join();
  }

  /** Waits until every item put has been marked taskDone() (in a child: blocking). */
  async join(): Promise<void> {
    if (this.local) return this.local.join();
    this.remote!.join();
  }
}

/** An unbounded queue with just put, get and empty: Python's `multiprocessing.SimpleQueue`. */
export class SimpleQueue<T = unknown> implements Shareable {
  readonly #queue: Queue<T>;
  readonly #id: number;

  constructor(options?: Pick<QueueOptions, 'byteCapacity'>) {
    const { id, data } = adopt<{ queue: SharedForm }>();
    this.#id = id;
    this.#queue = data ? (revive(data.queue) as Queue<T>) : new Queue<T>({ byteCapacity: options?.byteCapacity });
    if (id !== 0) remember(id, this);
  }

  /** Puts an item (it waits only while the queue's byte capacity is used up). */
  put(item: T): Promise<void> {
    return this.#queue.put(item);
  }
  putSync(item: T): void {
    this.#queue.putSync(item);
  }
  /** Takes an item, waiting without blocking the event loop while empty (in a child: blocking). */
  get(): Promise<T> {
    return this.#queue.get();
  }
  getSync(): T {
    return this.#queue.getSync();
  }
  empty(): boolean {
    return this.#queue.empty();
  }
  close(): void {
    this.#queue.close();
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    return { kind: 'mp.SimpleQueue', id: target === 'process' ? 0 : this.#id, data: { queue: this.#queue[SHARE](target) } };
  }
}

registerShareable('mp.Queue', Queue);
registerShareable('mp.JoinableQueue', JoinableQueue);
registerShareable('mp.SimpleQueue', SimpleQueue);
