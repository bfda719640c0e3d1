/**
 * concurrent.futures.Executor: submit and map over an Engine, written once for
 * ThreadPoolExecutor (threads) and ProcessPoolExecutor (processes).
 */
import { progressWanted, trackMapProgress, type ProgressOption } from '../display/map-progress.js';
import { PoolStateError } from '../errors.js';
import { Completion } from '../internal/pool/completion.js';
import type { Engine } from '../internal/pool/engine.js';
import { fnSpec, type ModuleFunction } from '../internal/pool/fn-ref.js';
import { optionalBoolean, optionsObject, timeoutMs, typeError } from '../internal/validate.js';
import { ResultIterator } from '../multiprocessing/async-result.js';
import { positiveInteger } from '../multiprocessing/options.js';
import { Future } from './future.js';

export interface ShutdownOptions {
  /** Wait until the pending calls are done and the workers have exited. @default true */
  wait?: boolean;
  /** Cancel the calls no worker has started yet. @default false */
  cancelFutures?: boolean;
}

export interface ExecutorMapOptions extends ProgressOption {
  /** Seconds from the map() call after which the next result not yet there throws TimeoutError. @default undefined (no limit) */
  timeout?: number;
  /** Calls per task sent to a worker (fewer, larger messages for many small calls). @default 1 */
  chunksize?: number;
}

/** A function for submit() and map(): self-contained (sent by source), or a module export. */
export type ExecutorFunction<A extends unknown[], R> = ((...args: A) => R) | ModuleFunction;

function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && value !== undefined && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' && typeof value !== 'string';
}

export abstract class Executor {
  readonly #engine: Engine;
  /** Futures not known to be done: cancelled by shutdown({cancelFutures}). */
  readonly #pending = new Set<Future>();
  #shutdown = false;

  /** @internal */
  protected constructor(engine: Engine) {
    this.#engine = engine;
  }

  #open(): void {
    if (this.#shutdown) throw new PoolStateError('cannot schedule new futures after shutdown');
  }

  /** Schedules `fn(...args)` on a worker; the Future tells when it is done and holds its result. */
  submit<A extends unknown[], R>(fn: ExecutorFunction<A, R>, ...args: A): Future<Awaited<R>> {
    this.#open();
    const spec = fnSpec(fn, 'fn', this.#engine.kind);
    const completion = new Completion<Awaited<R>>(this.#engine);
    const task = this.#engine.submit(spec, 'apply', args, (outcome) => completion.settle(outcome));
    const future = new Future(completion, task);
    this.#pending.add(future as Future);
    completion.onSettled(() => this.#pending.delete(future as Future));
    return future;
  }

  /**
   * Calls `fn` with one item of each iterable at a time, like Python's
   * `executor.map(fn, *iterables, timeout, chunksize)`: the calls are scheduled
   * at once; the results come in order, with `for await` (or plain `for`,
   * blocking). A call's error is thrown where its result would have come.
   * An options object may follow the iterables.
   */
  map<R>(fn: ExecutorFunction<never[], R>, ...iterablesAndOptions: (Iterable<unknown> | ExecutorMapOptions)[]): ResultIterator<Awaited<R>> {
    this.#open();
    const last = iterablesAndOptions[iterablesAndOptions.length - 1];
    const options = last !== undefined && !isIterable(last) ? optionsObject<ExecutorMapOptions>('options', iterablesAndOptions.pop()) : {};
    const iterables = iterablesAndOptions as Iterable<unknown>[];
    iterables.forEach((iterable, i) => {
      if (!isIterable(iterable)) throw typeError(`iterables[${i}]`, 'an iterable', iterable);
    });
    const ms = timeoutMs('timeout', options.timeout);
    const chunksize = positiveInteger('chunksize', options.chunksize, 1);
    const wanted = progressWanted(options);
    const spec = fnSpec(fn, 'fn', this.#engine.kind);
    // zip(): as many calls as the shortest iterable has items.
    const iterators = iterables.map((iterable) => iterable[Symbol.iterator]());
    const calls: unknown[][] = [];
    for (;;) {
      const next = iterators.map((iterator) => iterator.next());
      if (iterators.length === 0 || next.some((step) => step.done)) break;
      calls.push(next.map((step) => step.value));
    }
    const chunks: Completion<unknown[]>[] = [];
    const ids: number[] = [];
    try {
      for (let i = 0; i < calls.length; i += chunksize) {
        const chunk = new Completion<unknown[]>(this.#engine);
        ids.push(this.#engine.submit(spec, 'star', calls.slice(i, i + chunksize), (outcome) => chunk.settle(outcome)));
        chunks.push(chunk);
      }
    } catch (error) {
      for (const id of ids) this.#engine.cancel(id);
      throw error;
    }
    trackMapProgress('map', this.#engine, chunks, chunks.map((_, i) => Math.min(chunksize, calls.length - i * chunksize)), wanted);
    return new ResultIterator(chunks, true, ms, (at) => {
      // The caller stopped early: what no worker has started is cancelled, as Python's map does.
      for (let i = at; i < ids.length; i++) if (this.#engine.cancel(ids[i])) chunks[i].cancel();
    });
  }

  #stop(options: ShutdownOptions | undefined): boolean {
    const { wait, cancelFutures } = optionsObject<ShutdownOptions>('options', options);
    const waiting = optionalBoolean('wait', wait, true);
    if (optionalBoolean('cancelFutures', cancelFutures, false)) for (const future of [...this.#pending]) future.cancel();
    this.#shutdown = true;
    this.#engine.close();
    return waiting;
  }

  /**
   * Takes no more calls; the workers exit once the pending ones are done.
   * With `wait` (the default) resolves when they have; `cancelFutures` cancels those not started.
   */
  async shutdown(options?: ShutdownOptions): Promise<void> {
    if (this.#stop(options)) await this.#engine.whenJoined();
  }

  /** Like shutdown, blocking this thread while it waits. */
  shutdownSync(options?: ShutdownOptions): void {
    if (this.#stop(options)) this.#engine.joinSync(Infinity);
  }

  /** `using executor = new ThreadPoolExecutor()`: shutdownSync({wait: true}) at the end of the block, as Python's `with` does. */
  [Symbol.dispose](): void {
    this.shutdownSync({ wait: true });
  }

  /** `await using executor = ...`: shutdown({wait: true}) at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown({ wait: true });
  }
}

/** `new ThreadPoolExecutor(4)` as in Python, or `{maxWorkers: 4, ...}`. */
export function executorOptions<T extends { maxWorkers?: number }>(arg: unknown, fallback: number): Partial<T> & { size: number } {
  const options = typeof arg === 'number' ? ({ maxWorkers: arg } as Partial<T>) : optionsObject<T>('options', arg);
  return { ...options, size: positiveInteger('maxWorkers', options.maxWorkers, fallback) };
}
