/** queue.SimpleQueue: an unbounded FIFO without task tracking. */
import { adopt, registerShareable, remember, revive, SHARE, type Shareable, type SharedForm } from '../internal/share/registry.js';
import type { GetOptions, QueueOptions } from './options.js';
import { Queue } from './queue.js';

/**
 * Like Python's `queue.SimpleQueue`: put never waits for a maxsize (only, if
 * items pile up beyond `byteCapacity`, for memory), and there is no
 * taskDone/join/shutdown.
 */
export class SimpleQueue<T = unknown> implements Shareable {
  readonly #queue: Queue<T>;
  readonly #id: number;

  constructor(options?: Pick<QueueOptions, 'byteCapacity'>) {
    const { id, data } = adopt<{ queue: SharedForm }>();
    this.#id = id;
    this.#queue = data ? (revive(data.queue) as Queue<T>) : new Queue<T>({ byteCapacity: options?.byteCapacity });
    remember(id, this);
  }

  /** Puts an item; waits only while the byte capacity is used up. */
  putSync(item: T): void {
    this.#queue.putSync(item);
  }
  /** Puts an item; resolves at once unless the byte capacity is used up. */
  put(item: T): Promise<void> {
    return this.#queue.put(item);
  }
  /** Same as putSync (Python's put_nowait). */
  putNowait(item: T): void {
    this.#queue.putNowait(item);
  }
  /** Takes an item, blocking this thread while empty; Empty on timeout. */
  getSync(options?: GetOptions): T {
    return this.#queue.getSync(options);
  }
  /** Takes an item without blocking the event loop. */
  get(options?: GetOptions): Promise<T> {
    return this.#queue.get(options);
  }
  /** Takes an item without waiting; throws Empty when there is none. */
  getNowait(): T {
    return this.#queue.getNowait();
  }
  /** Items in the queue now. */
  qsize(): number {
    return this.#queue.qsize();
  }
  /** Whether the queue is empty now. */
  empty(): boolean {
    return this.#queue.empty();
  }

  /** @internal */
  [SHARE](): SharedForm {
    return { kind: 'SimpleQueue', id: this.#id, data: { queue: this.#queue[SHARE]() } };
  }
}

registerShareable('SimpleQueue', SimpleQueue);
