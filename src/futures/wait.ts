/** concurrent.futures.wait and as_completed. */
import { TimeoutError } from '../errors.js';
import type { Engine } from '../internal/pool/engine.js';
import { optionsObject, timeoutMs, typeError, valueError } from '../internal/validate.js';
import { deadlineAfter, remaining } from '../internal/wait.js';
import { Future } from './future.js';

/** wait() returns when any future finishes or is cancelled. */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/** wait() returns when any future finishes by raising, or when all are done. */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
/** wait() returns when all futures are done. */
export const ALL_COMPLETED = 'ALL_COMPLETED';

export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

export interface WaitOptions {
  /** Seconds to wait at most; then wait() returns with what is done so far. @default undefined (no limit) */
  timeout?: number;
  /** When to return. @default ALL_COMPLETED */
  returnWhen?: ReturnWhen;
}

/** What wait() returns, Python's (done, not_done) named tuple. */
export interface DoneAndNotDone<T> {
  done: Set<Future<T>>;
  notDone: Set<Future<T>>;
}

function futuresOf<T>(fs: Iterable<Future<T>>, argument: string): Future<T>[] {
  if (fs === null || fs === undefined || typeof (fs as Iterable<Future<T>>)[Symbol.iterator] !== 'function') throw typeError(argument, 'an iterable of Futures', fs);
  const futures = [...new Set(fs)];
  futures.forEach((future, i) => {
    if (!(future instanceof Future)) throw typeError(`${argument}[${i}]`, 'a Future (from submit())', future);
  });
  return futures;
}

function split<T>(futures: Future<T>[]): DoneAndNotDone<T> {
  const done = new Set<Future<T>>();
  const notDone = new Set<Future<T>>();
  for (const future of futures) (future.done() ? done : notDone).add(future);
  return { done, notDone };
}

function satisfied<T>(futures: Future<T>[], returnWhen: ReturnWhen): boolean {
  const done = futures.filter((f) => f.done());
  if (done.length === futures.length) return true;
  if (returnWhen === FIRST_COMPLETED) return done.length > 0;
  if (returnWhen === FIRST_EXCEPTION) return done.some((f) => f.completion.status === 'rejected');
  return false;
}

function checked(options: unknown): { ms: number; returnWhen: ReturnWhen } {
  const { timeout, returnWhen } = optionsObject<WaitOptions>('options', options);
  const when = returnWhen ?? ALL_COMPLETED;
  if (when !== FIRST_COMPLETED && when !== FIRST_EXCEPTION && when !== ALL_COMPLETED) {
    throw valueError('returnWhen', 'FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED', returnWhen);
  }
  return { ms: timeoutMs('timeout', timeout), returnWhen: when };
}

/** Resolves once one of the futures settles (or `ms` pass); true if one did. */
function anySettles(futures: Future<unknown>[], ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = (value: boolean): void => {
      clearTimeout(timer);
      resolve(value);
    };
    if (ms !== Infinity) timer = setTimeout(() => settle(false), ms);
    for (const future of futures) void future.completion.whenSettled().then(() => settle(true));
  });
}

/**
 * Blocks this thread until one of the futures' engines may have news, at most `ms`.
 * With futures of several executors it naps briefly on one of them and looks again.
 */
function sleepOn(futures: Future<unknown>[], ms: number): void {
  const engines = new Set<Engine>(futures.map((f) => f.completion.engine));
  const [first] = engines;
  first.sleep(engines.size === 1 ? ms : Math.min(ms, 5));
}

/**
 * Waits until the futures are done as `returnWhen` says, or `timeout` seconds
 * pass, like Python's `concurrent.futures.wait`; resolves with which are done and which not.
 */
export async function wait<T>(fs: Iterable<Future<T>>, options?: WaitOptions): Promise<DoneAndNotDone<T>> {
  const futures = futuresOf(fs, 'fs');
  const { ms, returnWhen } = checked(options);
  const deadline = deadlineAfter(ms);
  while (!satisfied(futures, returnWhen)) {
    const pending = futures.filter((f) => !f.done());
    if (!(await anySettles(pending as Future<unknown>[], remaining(deadline)))) break;
  }
  return split(futures);
}

/** Like wait, blocking this thread. */
export function waitSync<T>(fs: Iterable<Future<T>>, options?: WaitOptions): DoneAndNotDone<T> {
  const futures = futuresOf(fs, 'fs');
  const { ms, returnWhen } = checked(options);
  const deadline = deadlineAfter(ms);
  while (!satisfied(futures, returnWhen)) {
    const left = remaining(deadline);
    if (left <= 0) break;
    sleepOn(futures.filter((f) => !f.done()) as Future<unknown>[], Math.min(left, 1000));
  }
  return split(futures);
}

/**
 * The futures as they finish (or are cancelled), like Python's `as_completed`:
 * those already done first. `for await` waits without blocking the event
 * loop; plain `for` blocks this thread. After `timeout` seconds (from the
 * call) with futures still pending, the iteration throws TimeoutError.
 *
 * @example
 * ```ts
 * for await (const future of asCompleted(futures)) console.log(await future);
 * ```
 */
export function asCompleted<T>(fs: Iterable<Future<T>>, timeout?: number): AsyncIterableIterator<Future<T>> & Iterable<Future<T>> {
  const futures = futuresOf(fs, 'fs');
  const deadline = deadlineAfter(timeoutMs('timeout', timeout));
  const left = new Set(futures);
  const timedOut = (): TimeoutError => new TimeoutError(`${left.size} (of ${futures.length}) futures unfinished after the timeout`);
  const take = (): Future<T> | undefined => {
    for (const future of left) {
      if (future.done()) {
        left.delete(future);
        return future;
      }
    }
    return undefined;
  };
  const iterator = {
    async next(): Promise<IteratorResult<Future<T>>> {
      for (;;) {
        if (left.size === 0) return { done: true, value: undefined };
        const future = take();
        if (future) return { done: false, value: future };
        const ms = remaining(deadline);
        if (ms <= 0 || !(await anySettles([...left] as Future<unknown>[], ms))) throw timedOut();
      }
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
    [Symbol.iterator](): Iterator<Future<T>> {
      return {
        next: (): IteratorResult<Future<T>> => {
          for (;;) {
            if (left.size === 0) return { done: true, value: undefined };
            const future = take();
            if (future) return { done: false, value: future };
            const ms = remaining(deadline);
            if (ms <= 0) throw timedOut();
            sleepOn([...left] as Future<unknown>[], Math.min(ms, 1000));
          }
        },
      };
    },
  };
  return iterator;
}
