/** concurrent.futures.Future: the pending result of one call submitted to an executor. */
import { inspect } from 'node:util';
import { CancelledError } from '../errors.js';
import type { Completion } from '../internal/pool/completion.js';
import { outcomeOf } from '../internal/pool/completion.js';
import { timeoutMs, typeError } from '../internal/validate.js';

/**
 * The result of `executor.submit()`, like Python's `concurrent.futures.Future`.
 * `done()`, `running()` and `cancelled()` answer at once, even inside a loop
 * that never yields; `result()` waits (a Promise), `resultSync()` blocks. A
 * Future is also awaitable: `await executor.submit(fn)` gives its result.
 *
 * @example
 * ```ts
 * const future = executor.submit(findFiles, dir, '.py');
 * while (!future.done()) doOtherWork();
 * if (!future.exceptionSync()) console.log(future.resultSync());
 * ```
 */
export class Future<T = unknown> implements PromiseLike<T> {
  readonly #completion: Completion<T>;
  readonly #task: number;

  /** @internal Made by the executor for task `task`. */
  constructor(completion: Completion<T>, task: number) {
    this.#completion = completion;
    this.#task = task;
  }

  /** Whether the call finished (with a value or an error) or was cancelled. */
  done(): boolean {
    return this.#completion.isSettled();
  }

  /** Whether it was cancelled before it ran. */
  cancelled(): boolean {
    return this.#completion.status === 'cancelled';
  }

  /** Whether a worker is running the call now (it is neither waiting for one nor done). */
  running(): boolean {
    return !this.done() && !this.#completion.engine.isQueued(this.#task);
  }

  /**
   * Cancels the call if no worker has started it: true then (and when it was
   * cancelled already); false when it runs or is done.
   */
  cancel(): boolean {
    if (this.#completion.status === 'cancelled') return true;
    if (this.done()) return false;
    if (!this.#completion.engine.cancel(this.#task)) return false;
    return this.#completion.cancel();
  }

  /** The value once done; rejects with the call's error, CancelledError, or TimeoutError after `timeout` seconds. */
  async result(timeout?: number): Promise<T> {
    await this.#completion.wait(timeoutMs('timeout', timeout));
    return outcomeOf(this.#completion, () => new CancelledError());
  }

  /** Blocks this thread for the value; throws as result() rejects. */
  resultSync(timeout?: number): T {
    this.#completion.waitSync(timeoutMs('timeout', timeout));
    return outcomeOf(this.#completion, () => new CancelledError());
  }

  #exception(): unknown {
    if (this.#completion.status === 'rejected') return this.#completion.error;
    outcomeOf(this.#completion, () => new CancelledError());
    return undefined;
  }

  /** The call's error once done, or undefined if it succeeded; rejects with CancelledError or TimeoutError. */
  async exception(timeout?: number): Promise<unknown> {
    await this.#completion.wait(timeoutMs('timeout', timeout));
    return this.#exception();
  }

  /** Blocks this thread until done: the call's error, or undefined if it succeeded. */
  exceptionSync(timeout?: number): unknown {
    this.#completion.waitSync(timeoutMs('timeout', timeout));
    return this.#exception();
  }

  /**
   * Calls `callback(future)` when the future is done or cancelled, at once if it is
   * (on this thread, when it sees the outcome). An error in the callback is thrown on its own.
   */
  addDoneCallback(callback: (future: Future<T>) => void): void {
    if (typeof callback !== 'function') throw typeError('callback', 'a function', callback);
    this.#completion.onSettled(() => {
      try {
        callback(this);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    });
  }

  /** Makes a Future awaitable: resolves with result(), rejects with its error. */
  then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.result().then(onFulfilled, onRejected);
  }

  /** @internal For wait() and asCompleted(). */
  get completion(): Completion<T> {
    return this.#completion;
  }

  toString(): string {
    const status = this.#completion.status;
    const state = status === 'pending' ? (this.running() ? 'running' : 'pending') : status === 'cancelled' ? 'cancelled' : 'finished';
    return `<Future state=${state}${status === 'rejected' ? ` raised ${(this.#completion.error as Error)?.name ?? 'error'}` : ''}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
