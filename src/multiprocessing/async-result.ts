/** Results of a pool's `...Async` methods and of imap: Python's AsyncResult and IMapIterator. */
import { ArgumentValueError, CancelledError, PoolStateError, TimeoutError } from '../errors.js';
import { outcomeOf, type Completion } from '../internal/pool/completion.js';
import { timeoutMs } from '../internal/validate.js';
import { placeRethrow } from '../internal/error-wire.js';
import { deadlineAfter, remaining } from '../internal/wait.js';

/**
 * The result of `applyAsync`, `mapAsync` or `starmapAsync`, like Python's
 * `AsyncResult`. `ready()` and `successful()` answer at once, even inside a
 * loop that never yields; `get()` waits for the value (a Promise),
 * `getSync()` blocks for it. Timeouts are in seconds.
 *
 * @example
 * ```ts
 * const result = pool.mapAsync(prime, numbers);
 * while (!result.ready()) doOtherWork();
 * console.log(result.getSync());
 * ```
 */
export class AsyncResult<T> {
  readonly #completion: Completion<T>;

  /** @internal Made by the pool. */
  constructor(completion: Completion<T>) {
    this.#completion = completion;
  }

  /** Whether the call has finished (value or error). */
  ready(): boolean {
    return this.#completion.isSettled();
  }

  /** Whether the call finished without an error; throws ArgumentValueError while it is not ready (as Python's ValueError). */
  successful(): boolean {
    if (!this.ready()) throw new ArgumentValueError('the result is not ready yet: call successful() after ready() is true');
    return this.#completion.status === 'fulfilled';
  }

  /** Waits until ready, at most `timeout` seconds (then simply returns, as in Python). */
  async wait(timeout?: number): Promise<void> {
    await this.#completion.wait(timeoutMs('timeout', timeout));
  }

  /** Blocks this thread until ready, at most `timeout` seconds. */
  waitSync(timeout?: number): void {
    this.#completion.waitSync(timeoutMs('timeout', timeout));
  }

  /** The value once ready; rejects with the task's error, or TimeoutError after `timeout` seconds. */
  async get(timeout?: number): Promise<T> {
    await this.#completion.wait(timeoutMs('timeout', timeout));
    return outcomeOf(this.#completion, () => new CancelledError());
  }

  /** Blocks this thread for the value; throws the task's error, or TimeoutError after `timeout` seconds. */
  getSync(timeout?: number): T {
    this.#completion.waitSync(timeoutMs('timeout', timeout));
    return outcomeOf(this.#completion, () => new CancelledError());
  }

  toString(): string {
    return `<AsyncResult ${this.#completion.status}>`;
  }
}

/**
 * @internal Chunks that are added while the caller reads (a lazy imap, see
 * imap-feed.ts), instead of all being there at the start.
 */
export interface ChunkFeed {
  /** The chunks so far, in the order of the items; the ResultIterator reads this array. */
  readonly chunks: Completion<unknown[]>[];
  /** Whether every chunk has been added. */
  readonly ended: boolean;
  /** Reads ahead now that the caller has taken the results of `taken` chunks; may add chunks. */
  fill(taken: number): void;
  /** Calls `listener` with each chunk added from now on. */
  onChunk(listener: (chunk: Completion<unknown[]>) => void): void;
  /** The caller stopped early: nothing more is read. */
  stop(): void;
}

/**
 * Results that arrive chunk by chunk: `imap` (in order), `imapUnordered` (as
 * they finish), an executor's `map`. Iterate with `for await` (waits without
 * blocking the event loop) or plain `for` (blocks this thread for each
 * value). A task's error is thrown where its value would have come, and so is
 * an error the iterable of an imap throws, after the results of the items
 * before it.
 *
 * @example
 * ```ts
 * for await (const factors of pool.imap(prime, numbers)) console.log(factors);
 * ```
 */
export class ResultIterator<T> implements AsyncIterableIterator<T> {
  readonly #chunks: Completion<unknown[]>[];
  readonly #ordered: boolean;
  readonly #deadline: number;
  /** In order: the chunk and the position in it next to yield. Unordered: the finished chunks taken. */
  #chunk = 0;
  #offset = 0;
  /** Unordered: chunks in the order they finished. */
  readonly #finished: Completion<unknown[]>[] = [];
  #onFinish: (() => void)[] = [];

  readonly #onReturn: ((fromChunk: number) => void) | undefined;
  readonly #feed: ChunkFeed | undefined;

  /**
   * @internal Made by the pool or executor; `timeoutMs` counts from now for the
   * whole iteration; `onReturn` hears when the caller stops early (break);
   * with a `feed`, `chunks` is the feed's and grows as the caller reads.
   */
  constructor(chunks: Completion<unknown[]>[], ordered: boolean, timeoutMs = Infinity, onReturn?: (fromChunk: number) => void, feed?: ChunkFeed) {
    this.#chunks = chunks;
    this.#ordered = ordered;
    this.#deadline = deadlineAfter(timeoutMs);
    this.#onReturn = onReturn;
    this.#feed = feed;
    if (!ordered) {
      for (const chunk of chunks) this.#watch(chunk);
      feed?.onChunk((chunk) => this.#watch(chunk));
    }
  }

  /** Unordered: queues the chunk in #finished when it settles, and wakes a waiting next(). */
  #watch(chunk: Completion<unknown[]>): void {
    chunk.onSettled(() => {
      this.#finished.push(chunk);
      const waiting = this.#onFinish;
      this.#onFinish = [];
      for (const wake of waiting) wake();
    });
  }

  /**
   * Lets a feed read ahead, then whether the iteration is over. Every chunk
   * taken, and the feed, just asked to read, neither added one nor ended: only
   * when its iterable reads this iterator (from inside the feed's read), which
   * could only wait for itself.
   */
  #over(): boolean {
    this.#feed?.fill(this.#chunk);
    if (this.#chunk < this.#chunks.length) return false;
    if (this.#feed === undefined || this.#feed.ended) return true;
    throw new PoolStateError("imap's iterable reads the imap's own results: it would wait for itself");
  }

  /** The chunk the next value comes from, or undefined at the end. */
  #current(): Completion<unknown[]> | undefined {
    if (this.#ordered) return this.#chunks[this.#chunk];
    return this.#finished[this.#chunk];
  }

  #take(chunk: Completion<unknown[]>): IteratorResult<T> {
    if (chunk.status !== 'fulfilled') {
      this.#chunk++;
      this.#offset = 0;
      throw chunk.status === 'cancelled' ? new CancelledError() : placeRethrow(chunk.error);
    }
    const values = chunk.value!;
    const value = values[this.#offset++] as T;
    if (this.#offset >= values.length) {
      this.#chunk++;
      this.#offset = 0;
    }
    return { done: false, value };
  }

  /** Skips chunks with no values (empty), so the end is seen at once. */
  #skipEmpty(): void {
    for (;;) {
      const chunk = this.#current();
      if (!chunk || chunk.status !== 'fulfilled' || chunk.value!.length > 0) return;
      this.#chunk++;
    }
  }

  #timeout(): TimeoutError {
    return new TimeoutError('the next result was not ready within the timeout');
  }

  /** The next value, waiting without blocking the event loop. */
  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      this.#skipEmpty();
      if (this.#over()) return { done: true, value: undefined };
      const chunk = this.#current();
      if (chunk && chunk.isSettled()) return this.#take(chunk);
      const left = remaining(this.#deadline);
      if (left <= 0) throw this.#timeout();
      if (chunk) {
        if (!(await chunk.wait(left))) throw this.#timeout();
      } else {
        // Unordered: wait for whichever chunk finishes next.
        this.#chunks[0].engine.poll();
        if (this.#finished.length > this.#chunk) continue;
        let timer: NodeJS.Timeout | undefined;
        const finished = await Promise.race([
          new Promise<boolean>((resolve) => this.#onFinish.push(() => resolve(true))),
          new Promise<boolean>((resolve) => (timer = left === Infinity ? undefined : setTimeout(() => resolve(false), left))),
        ]);
        clearTimeout(timer);
        if (!finished) throw this.#timeout();
      }
    }
  }

  /** The next value, blocking this thread while it is not there. */
  nextSync(): IteratorResult<T> {
    for (;;) {
      this.#skipEmpty();
      if (this.#over()) return { done: true, value: undefined };
      const chunk = this.#current();
      const left = remaining(this.#deadline);
      if (chunk) {
        if (!chunk.waitSync(left)) throw this.#timeout();
        return this.#take(chunk);
      }
      const engine = this.#chunks[0].engine;
      engine.poll();
      if (this.#finished.length > this.#chunk) continue;
      if (left <= 0) throw this.#timeout();
      engine.sleep(Math.min(left, 1000));
    }
  }

  /**
   * Stops early (a `break` out of the loop): an executor's map cancels the calls
   * no worker has started; an imap over an iterable that is not an array reads
   * no more of it, and closes it (its `return()`), as `for...of` would.
   */
  async return(): Promise<IteratorResult<T>> {
    return this.#stop();
  }

  #stop(): IteratorResult<T> {
    this.#onReturn?.(this.#ordered ? this.#chunk + (this.#offset > 0 ? 1 : 0) : 0);
    this.#chunk = this.#chunks.length;
    this.#feed?.stop();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Plain `for...of`: each step blocks this thread until the value is there. */
  [Symbol.iterator](): Iterator<T> {
    return { next: () => this.nextSync(), return: () => this.#stop() };
  }
}
