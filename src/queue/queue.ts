/** queue.Queue, LifoQueue, PriorityQueue: shared by every thread they are handed to. */
import { Empty, Full } from '../errors.js';
import { adopt, registerShareable, remember, SHARE, type Shareable, type SharedForm } from '../internal/share/registry.js';
import { runAsync, runSync } from '../internal/wait.js';
import { FIFO, H, LIFO, PRIORITY } from '../internal/ring/layout.js';
import { maxsizeValue, queueOptions, waitMs, type GetOptions, type PutOptions, type QueueOptions } from './options.js';
import { QueueCore } from '../internal/ring/queue-core.js';

const NONE = Symbol('none');

/**
 * A first-in first-out queue in shared memory, like Python's `queue.Queue`:
 * hand it to threads as an argument or a Thread field and every thread puts
 * and gets on the same queue. Items are copied (v8.serialize; numbers and
 * strings take a fast path). Blocking calls return Promises; their `Sync`
 * twins block the calling thread instead. Timeouts are in seconds.
 *
 * @example
 * ```ts
 * const q = new Queue<number>(10);          // maxsize 10
 * new Thread({ target: (q: Queue<number>) => { for (let i = 0; i < 3; i++) q.putSync(i); }, args: [q] }).start();
 * console.log(await q.get(), q.getSync(), q.getSync({ timeout: 1 }));
 * ```
 */
export class Queue<T = unknown> implements Shareable {
  readonly #core: QueueCore;
  readonly #id: number;

  /** @param options maxsize as a number (Python's `Queue(maxsize)`), or {maxsize, byteCapacity}. */
  constructor(options?: number | QueueOptions) {
    const { id, data } = adopt<{ buffer: SharedArrayBuffer }>();
    this.#id = id;
    if (data) {
      this.#core = new QueueCore(data.buffer);
    } else {
      const { maxsize, byteCapacity } = queueOptions(options);
      this.#core = new QueueCore(QueueCore.allocate(this.order(), maxsize, byteCapacity));
    }
    remember(id, this);
  }

  /** @internal Which item `get` takes. */
  protected order(): number {
    return FIFO;
  }

  /** The bound on items (0: none): every thread sees it. */
  get maxsize(): number {
    return Atomics.load(this.#core.h, H.MAXSIZE);
  }

  /**
   * Changes the bound, as assigning `q.maxsize` does in Python: below qsize(),
   * full() is true and puts wait until enough items are taken. Growing it
   * wakes puts waiting for room (Python's wait until the next get or their timeout).
   */
  set maxsize(value: number) {
    this.#core.setMaxsize(maxsizeValue(value));
  }

  /** Items in the queue now: a read of shared memory, true at once even while this thread busy-loops. */
  qsize(): number {
    return Atomics.load(this.#core.h, H.COUNT);
  }
  /** Whether the queue holds no items now. */
  empty(): boolean {
    return this.qsize() === 0;
  }
  /** Whether the queue holds maxsize items now (never, without a maxsize). */
  full(): boolean {
    return this.maxsize > 0 && this.qsize() >= this.maxsize;
  }

  /** Puts an item, blocking this thread while the queue is full. Throws Full on timeout, ShutDown after shutdown(). */
  putSync(item: T, options?: PutOptions): void {
    const ms = waitMs(options);
    const packed = this.#core.pack(item);
    if (this.#core.tryPut(packed)) return;
    if (ms <= 0) throw new Full();
    runSync(this.#core.putSteps(packed, ms));
  }

  /** Puts an item, waiting without blocking the event loop while the queue is full. */
  put(item: T, options?: PutOptions): Promise<void> {
    const ms = waitMs(options);
    const packed = this.#core.pack(item);
    if (this.#core.tryPut(packed)) return Promise.resolve();
    if (ms <= 0) return Promise.reject(new Full());
    return runAsync(this.#core.putSteps(packed, ms));
  }

  /** Puts without waiting; throws Full when there is no room. */
  putNowait(item: T): void {
    this.putSync(item, { block: false });
  }

  /** Takes an item, blocking this thread while the queue is empty. Throws Empty on timeout, ShutDown once shut down and empty. */
  getSync(options?: GetOptions): T {
    const ms = waitMs(options);
    const value = this.#core.tryGet(NONE);
    if (value !== NONE) return value as T;
    if (ms <= 0) throw new Empty();
    return runSync(this.#core.getSteps(ms)) as T;
  }

  /** Takes an item, waiting without blocking the event loop: `await q.get()`. A shut-down empty queue throws at once. */
  get(options?: GetOptions): Promise<T> {
    const ms = waitMs(options);
    const value = this.#core.tryGet(NONE);
    if (value !== NONE) return Promise.resolve(value as T);
    if (ms <= 0) return Promise.reject(new Empty());
    return runAsync(this.#core.getSteps(ms)) as Promise<T>;
  }

  /** Takes an item without waiting; throws Empty when there is none. */
  getNowait(): T {
    return this.getSync({ block: false });
  }

  /** Marks one item taken with get() as processed; join() returns once every put item is. */
  taskDone(): void {
    this.#core.taskDone();
  }

  /** Blocks this thread until every item put has been marked taskDone(). */
  joinSync(): void {
    runSync(this.#core.joinSteps());
  }

  /** Waits, without blocking the event loop, until every item put has been marked taskDone(). */
  join(): Promise<void> {
    return runAsync(this.#core.joinSteps());
  }

  /**
   * Shuts the queue down (Python 3.13): put throws ShutDown from now on; get
   * drains what is left, then throws ShutDown. With `immediate`, the items
   * left are discarded and counted as done. Waiting threads are woken.
   */
  shutdown(options?: boolean | { immediate?: boolean }): void {
    const immediate = typeof options === 'boolean' ? options : options?.immediate === true;
    this.#core.shutdown(immediate);
  }

  /** @internal */
  [SHARE](): SharedForm {
    const kind = ['Queue', 'LifoQueue', 'PriorityQueue'][this.order()];
    return { kind, id: this.#id, data: { buffer: this.#core.h.buffer } };
  }
}

/** A last-in first-out queue (a stack), like Python's `queue.LifoQueue`. */
export class LifoQueue<T = unknown> extends Queue<T> {
  protected override order(): number {
    return LIFO;
  }
}

/**
 * A queue that returns the smallest item first, like Python's
 * `queue.PriorityQueue`, ordered as Python orders them: numbers, bigints and
 * booleans by value, strings by code point, Uint8Arrays by bytes, arrays (Python's
 * tuples) element by element, a shorter prefix first: `[priority, data]`
 * pairs come out by priority, then by data. Equal items come out in the order
 * they went in. An item Python could not compare with one already queued
 * (`'<' not supported between instances of 'string' and 'number'`, or two
 * objects at a tie, `[1, {a: 1}]` and `[1, {b: 2}]`) throws ArgumentTypeError
 * (Python's TypeError) and is not put; the queue is unchanged. Two objects at
 * a tie are equal only when the whole items are (Python asks the objects' `==`
 * and goes on to the next element). Put `[priority, count, data]` to order
 * objects, as Python's documentation advises. A get scans every queued item
 * for the smallest, and a put compares the item with each queued one (so a
 * get never meets a pair it cannot order) unless all of them are numbers:
 * both cost time in proportion to qsize().
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  protected override order(): number {
    return PRIORITY;
  }
}

registerShareable('Queue', Queue);
registerShareable('LifoQueue', LifoQueue);
registerShareable('PriorityQueue', PriorityQueue);
