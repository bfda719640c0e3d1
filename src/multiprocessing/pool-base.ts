/**
 * The API Pool (processes) and ThreadPool (threads) share, written once over
 * an Engine (internal/pool/engine.ts). Python's `multiprocessing.pool.Pool`:
 * each blocking call returns a Promise and has a Sync twin; `...Async` calls
 * return an AsyncResult at once.
 */
import { PoolStateError } from '../errors.js';
import { progressWanted, trackMapProgress, trackOpenProgress } from '../display/map-progress.js';
import { Completion } from '../internal/pool/completion.js';
import type { Engine, TaskKind } from '../internal/pool/engine.js';
import { fnSpec, type ModuleFunction } from '../internal/pool/fn-ref.js';
import type { FnSpec } from '../internal/ship/shipped.js';
import { optionsObject, typeError } from '../internal/validate.js';
import { AsyncResult, ResultIterator } from './async-result.js';
import { ImapFeed } from './imap-feed.js';
import { chunkEnds, chunkSize, type AsyncCallbacks, type MapOptions } from './options.js';

/** A function for a pool task with its argument types: self-contained (sent by source), or a module export. */
export type PoolFunction<A extends unknown[], R> = ((...args: A) => R) | ModuleFunction;

function checkIterable<T>(iterable: Iterable<T>, argument: string): void {
  if (iterable === null || iterable === undefined || typeof (iterable as Iterable<T>)[Symbol.iterator] !== 'function' || typeof iterable === 'string') {
    throw typeError(argument, 'an iterable (an array, a Set, a generator, ...)', iterable);
  }
}

/** All the items at once: map and starmap, as Python's (an error the iterable throws is thrown by the call). */
function itemsOf<T>(iterable: Iterable<T>, argument: string): T[] {
  if (Array.isArray(iterable)) return iterable;
  checkIterable(iterable, argument);
  return [...iterable];
}

function argsOf(args: unknown, argument: string): unknown[] {
  if (args === undefined) return [];
  if (!Array.isArray(args)) throw typeError(argument, 'an array of arguments', args);
  return args;
}

function starItems(iterable: Iterable<unknown>): unknown[][] {
  return itemsOf(iterable, 'iterable').map((item, i) => {
    if (Array.isArray(item)) return item;
    if (item !== null && typeof item === 'object' && typeof (item as Iterable<unknown>)[Symbol.iterator] === 'function') return [...(item as Iterable<unknown>)];
    throw typeError(`iterable[${i}]`, 'an array of arguments', item);
  });
}

/** The chunks' values in one array (flatMap is slow on long arrays). */
function concat(chunks: Completion<unknown[]>[]): unknown[] {
  let length = 0;
  for (const chunk of chunks) length += chunk.value!.length;
  const out = new Array<unknown>(length);
  let at = 0;
  for (const chunk of chunks) for (const value of chunk.value!) out[at++] = value;
  return out;
}

/** Items per chunk, from where the chunks end (no chunk for no items). */
function chunkSizes(ends: number[], items: number): number[] {
  return items === 0 ? [] : ends.map((end, i) => end - (ends[i - 1] ?? 0));
}

/** Runs a user callback; an error in it is thrown on its own, as an error in an event listener is. */
function call<T>(callback: ((value: T) => void) | undefined, value: T): void {
  if (!callback) return;
  try {
    callback(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

export abstract class PoolBase {
  readonly #engine: Engine;
  /** Lazy imaps still reading their iterable: close() lets them finish before the engine closes. */
  readonly #feeds = new Set<ImapFeed>();
  /** close() was called; the engine closes once #feeds is empty. */
  #closed = false;

  /** @internal */
  protected constructor(engine: Engine) {
    this.#engine = engine;
  }

  /** How many workers the pool has. */
  get processes(): number {
    return this.#engine.size;
  }

  #running(): void {
    if (this.#closed && this.#engine.state === 'running') throw new PoolStateError('the pool is closed (Python\'s "Pool not running"): it takes no new tasks');
    if (this.#engine.state !== 'running') throw new PoolStateError(`the pool is ${this.#engine.state} (Python's "Pool not running"): it takes no new tasks`);
  }

  #callbacks<R>(options: unknown): AsyncCallbacks<R> {
    const { callback, errorCallback } = optionsObject<AsyncCallbacks<R>>('options', options);
    if (callback !== undefined && typeof callback !== 'function') throw typeError('callback', 'a function', callback);
    if (errorCallback !== undefined && typeof errorCallback !== 'function') throw typeError('errorCallback', 'a function', errorCallback);
    return { callback, errorCallback };
  }

  /** Submits items in chunks; a chunk that cannot be sent cancels those already queued and throws. */
  #chunks(spec: FnSpec, kind: TaskKind, items: unknown[], ends: number[]): Completion<unknown[]>[] {
    const chunks: Completion<unknown[]>[] = [];
    const ids: number[] = [];
    try {
      let start = 0;
      for (const end of items.length === 0 ? [] : ends) {
        const chunk = new Completion<unknown[]>(this.#engine);
        ids.push(this.#engine.submit(spec, kind, items.slice(start, end), (outcome) => chunk.settle(outcome)));
        chunks.push(chunk);
        start = end;
      }
    } catch (error) {
      for (const id of ids) this.#engine.cancel(id);
      throw error;
    }
    return chunks;
  }

  #gather<R>(chunks: Completion<unknown[]>[], callbacks: AsyncCallbacks<R[]>): AsyncResult<R[]> {
    const result = new Completion<R[]>(this.#engine);
    let left = chunks.length;
    if (left === 0) result.settle({ ok: true, value: [] });
    for (const chunk of chunks) {
      chunk.onSettled(() => {
        if (chunk.status !== 'fulfilled') result.settle({ ok: false, error: chunk.error });
        else if (--left === 0) result.settle({ ok: true, value: concat(chunks) as R[] });
      });
    }
    this.#report(result, callbacks);
    return new AsyncResult(result);
  }

  #report<R>(result: Completion<R>, { callback, errorCallback }: AsyncCallbacks<R>): void {
    if (!callback && !errorCallback) return;
    result.onSettled(() => (result.status === 'fulfilled' ? call(callback, result.value as R) : call(errorCallback, result.error)));
  }

  #mapAsync<R>(fn: unknown, items: unknown[], kind: TaskKind, options: unknown): AsyncResult<R[]> {
    this.#running();
    const spec = fnSpec(fn, 'fn', this.#engine.kind);
    const ends = chunkEnds(typeof options === 'number' ? options : (options as MapOptions | undefined), items.length, this.#engine.size);
    const callbacks = this.#callbacks<R[]>(typeof options === 'number' ? undefined : options);
    const wanted = progressWanted(options);
    const chunks = this.#chunks(spec, kind, items, ends);
    trackMapProgress(kind === 'star' ? 'starmap' : 'map', this.#engine, chunks, chunkSizes(ends, items.length), wanted);
    return this.#gather<R>(chunks, callbacks);
  }

  /** Calls `fn(...args)` in a worker; resolves with its result. Python's `apply`. */
  apply<A extends unknown[], R>(fn: PoolFunction<A, R>, args?: A): Promise<Awaited<R>> {
    return this.applyAsync(fn, args).get();
  }

  /** Like apply, blocking this thread until the result is there. */
  applySync<A extends unknown[], R>(fn: PoolFunction<A, R>, args?: A): Awaited<R> {
    return this.applyAsync(fn, args).getSync();
  }

  /** Calls `fn(...args)` in a worker and returns at once; the AsyncResult tells when it is done. */
  applyAsync<A extends unknown[], R>(fn: PoolFunction<A, R>, args?: A, options?: AsyncCallbacks<Awaited<R>>): AsyncResult<Awaited<R>> {
    this.#running();
    const spec = fnSpec(fn, 'fn', this.#engine.kind);
    const values = argsOf(args, 'args');
    const callbacks = this.#callbacks<Awaited<R>>(options);
    const result = new Completion<Awaited<R>>(this.#engine);
    this.#engine.submit(spec, 'apply', values, (outcome) => result.settle(outcome));
    this.#report(result, callbacks);
    return new AsyncResult(result);
  }

  /**
   * Calls `fn(item)` for every item, in the workers, `chunksize` items per task;
   * resolves with the results in order, or rejects with the first error. Python's `map`.
   */
  map<T, R>(fn: PoolFunction<[T], R>, iterable: Iterable<T>, options?: MapOptions | number): Promise<Awaited<R>[]> {
    return this.mapAsync(fn, iterable, options).get();
  }

  /** Like map, blocking this thread until every result is there. */
  mapSync<T, R>(fn: PoolFunction<[T], R>, iterable: Iterable<T>, options?: MapOptions | number): Awaited<R>[] {
    return this.mapAsync(fn, iterable, options).getSync();
  }

  /** Like map, returning an AsyncResult at once (Python's `map_async`). */
  mapAsync<T, R>(fn: PoolFunction<[T], R>, iterable: Iterable<T>, options?: (MapOptions & AsyncCallbacks<Awaited<R>[]>) | number): AsyncResult<Awaited<R>[]> {
    return this.#mapAsync(fn, itemsOf(iterable, 'iterable'), 'map', options);
  }

  /** Calls `fn(...args)` for every array of arguments: Python's `starmap`. */
  starmap<A extends unknown[], R>(fn: PoolFunction<A, R>, iterable: Iterable<A>, options?: MapOptions | number): Promise<Awaited<R>[]> {
    return this.starmapAsync(fn, iterable, options).get();
  }

  /** Like starmap, blocking this thread until every result is there. */
  starmapSync<A extends unknown[], R>(fn: PoolFunction<A, R>, iterable: Iterable<A>, options?: MapOptions | number): Awaited<R>[] {
    return this.starmapAsync(fn, iterable, options).getSync();
  }

  /** Like starmap, returning an AsyncResult at once (Python's `starmap_async`). */
  starmapAsync<A extends unknown[], R>(fn: PoolFunction<A, R>, iterable: Iterable<A>, options?: (MapOptions & AsyncCallbacks<Awaited<R>[]>) | number): AsyncResult<Awaited<R>[]> {
    return this.#mapAsync(fn, starItems(iterable), 'star', options);
  }

  #iterate<T, R>(fn: PoolFunction<[T], R>, iterable: Iterable<T>, options: MapOptions | number | undefined, ordered: boolean): ResultIterator<Awaited<R>> {
    this.#running();
    const spec = fnSpec(fn, 'fn', this.#engine.kind);
    if (!Array.isArray(iterable)) return this.#iterateLazily(spec, iterable, options, ordered);
    const ends = chunkEnds(options, iterable.length, this.#engine.size, 1);
    const wanted = progressWanted(options);
    const chunks = this.#chunks(spec, 'map', iterable, ends);
    trackMapProgress(ordered ? 'imap' : 'imapUnordered', this.#engine, chunks, chunkSizes(ends, iterable.length), wanted);
    return new ResultIterator(chunks, ordered);
  }

  /**
   * imap over any other iterable (a generator, maybe endless): read as the
   * workers need items (imap-feed.ts). Its length is not known, so its
   * progress is a count of tasks, without a bar.
   */
  #iterateLazily<R>(spec: FnSpec, iterable: Iterable<unknown>, options: MapOptions | number | undefined, ordered: boolean): ResultIterator<Awaited<R>> {
    checkIterable(iterable, 'iterable');
    const chunksize = chunkSize(options, 1);
    const progress = trackOpenProgress(ordered ? 'imap' : 'imapUnordered', this.#engine, progressWanted(options));
    const feed = new ImapFeed(this.#engine, spec, iterable[Symbol.iterator](), chunksize, (ended) => this.#feedEnded(ended), progress);
    this.#feeds.add(feed);
    const results = new ResultIterator<Awaited<R>>(feed.chunks, ordered, Infinity, undefined, feed);
    feed.fill(0);
    return results;
  }

  #feedEnded(feed: ImapFeed): void {
    if (!this.#feeds.delete(feed)) return;
    if (this.#closed && this.#feeds.size === 0) this.#engine.close();
  }

  /**
   * Like map, giving each result as soon as it and those before it are there:
   * `for await (const r of pool.imap(fn, items))`. An array is sent at once;
   * any other iterable (a generator, even an endless one) is read as the
   * workers need items, a few chunks per worker ahead of the results taken, and
   * an error it throws comes after the results of the items before it (as
   * Python's, the items of a chunk that error cut short are not run). `break`
   * stops the reading.
   */
  imap<T, R>(fn: PoolFunction<[T], R>, iterable: Iterable<T>, options?: MapOptions | number): ResultIterator<Awaited<R>> {
    return this.#iterate(fn, iterable, options, true);
  }

  /** Like imap (arrays sent at once, other iterables read as the workers need items), giving results in the order they finish. */
  imapUnordered<T, R>(fn: PoolFunction<[T], R>, iterable: Iterable<T>, options?: MapOptions | number): ResultIterator<Awaited<R>> {
    return this.#iterate(fn, iterable, options, false);
  }

  /**
   * Takes no more tasks; the workers exit once the queued ones are done. An
   * imap still reading its iterable reads it to the end first, as Python's
   * pool does (an endless one never ends: break out of it, or terminate()).
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#feeds.size === 0) return this.#engine.close();
    for (const feed of [...this.#feeds]) feed.drain();
  }

  /** Stops the workers now, running tasks included; unfinished results fail with PoolStateError, and so does an imap's unread rest. */
  terminate(): void {
    this.#closed = true;
    // Forgotten first: the engine is terminated, not closed, when they end.
    const feeds = [...this.#feeds];
    this.#feeds.clear();
    for (const feed of feeds) feed.terminated();
    this.#engine.terminate();
  }

  #joinable(): void {
    if (this.#engine.state === 'running' && !this.#closed) throw new PoolStateError('join() needs close() or terminate() first (Python\'s "Pool is still running")');
  }

  /** Waits until the workers have exited; call close() or terminate() first. */
  join(): Promise<void> {
    this.#joinable();
    return this.#engine.whenJoined();
  }

  /** Blocks this thread until the queued tasks are done and the workers are told to exit; call close() or terminate() first. */
  joinSync(): void {
    this.#joinable();
    this.#engine.joinSync(Infinity);
  }

  /** `using pool = new Pool()`: terminate() at the end of the block, as Python's `with Pool() as pool:` does. */
  [Symbol.dispose](): void {
    this.terminate();
  }

  /** `await using pool = new Pool()`: terminate() and wait for the workers to exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.terminate();
    await this.#engine.whenJoined();
  }
}
