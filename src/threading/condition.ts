/** threading.Condition: wait until another thread notifies, with a Lock or RLock held around the check. */
import { LockNotHeldError } from '../errors.js';
import { adopt, registerShareable, remember, revive, SHARE, type Shareable, type SharedForm } from '../internal/share/registry.js';
import { typeError, timeoutMs, valueError } from '../internal/validate.js';
import { deadlineAfter, remaining, runAsync, runSync, type Waiting } from '../internal/wait.js';
import type { AcquireOptions } from './acquire-options.js';
import { CONDITION_LOCK, hasConditionLock, type HasConditionLock } from './condition-lock.js';
import type { Held } from './held.js';
import type { Lock } from './lock.js';
import { RLock } from './rlock.js';

/** Bumped by every notify; a waiter sleeps while it is unchanged. */
const SEQ = 0;
/** Threads inside wait(), so notify costs nothing when nobody waits. */
const WAITERS = 1;

/** @internal The generator steps of a Condition, for primitives built on it (Barrier). */
export const CONDITION_STEPS: unique symbol = Symbol('loom.conditionSteps') as never;

type AnyLock = (Lock | RLock) & HasConditionLock;

/**
 * A condition variable, like Python's `threading.Condition(lock)`: hold its
 * lock, check your state, `wait` (which releases the lock while waiting),
 * and `notify` from the thread that changes the state. A wait may return
 * early when several notifies race; `waitFor(predicate)` re-checks for you.
 */
export class Condition implements Shareable {
  readonly #cells: Int32Array;
  readonly #id: number;
  readonly #lock: AnyLock;

  /** @param lock the Lock or RLock to use; a new RLock by default (as in Python). */
  constructor(lock?: Lock | RLock) {
    const { id, data } = adopt<{ buffer: SharedArrayBuffer; lock: SharedForm }>();
    this.#id = id;
    if (data) {
      this.#cells = new Int32Array(data.buffer);
      this.#lock = revive(data.lock) as AnyLock;
    } else {
      if (lock !== undefined && !hasConditionLock(lock)) throw typeError('lock', 'a Lock or RLock', lock);
      this.#cells = new Int32Array(new SharedArrayBuffer(8));
      this.#lock = (lock ?? new RLock()) as AnyLock;
    }
    remember(id, this);
  }

  /** Acquires the underlying lock, blocking this thread. */
  acquireSync(options?: AcquireOptions): boolean {
    return this.#lock.acquireSync(options);
  }
  /** Acquires the underlying lock without blocking the event loop. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    return this.#lock.acquire(options);
  }
  /** Releases the underlying lock. */
  release(): void {
    this.#lock.release();
  }
  /** `using _ = cond.holdSync()`: Python's `with cond:`. */
  holdSync(): Held {
    return this.#lock.holdSync();
  }
  /** `using _ = await cond.hold()`. */
  hold(): Promise<Held> {
    return this.#lock.hold();
  }

  *#wait(ms: number): Waiting<boolean> {
    const lock = this.#lock[CONDITION_LOCK];
    if (!lock.isOwned()) throw new LockNotHeldError('cannot wait on un-acquired lock');
    const cells = this.#cells;
    const seq = Atomics.load(cells, SEQ);
    Atomics.add(cells, WAITERS, 1);
    const saved = lock.releaseSave();
    const deadline = deadlineAfter(ms);
    let notified = false;
    for (;;) {
      if (Atomics.load(cells, SEQ) !== seq) {
        notified = true;
        break;
      }
      const left = remaining(deadline);
      if (left <= 0) break;
      yield { cells, index: SEQ, value: seq, ms: left };
    }
    Atomics.sub(cells, WAITERS, 1);
    yield* lock.acquireRestore(saved);
    return notified;
  }

  *#waitFor(predicate: () => unknown, ms: number): Waiting<unknown> {
    const deadline = deadlineAfter(ms);
    let result = predicate();
    while (!result) {
      const left = remaining(deadline);
      if (left <= 0) break;
      yield* this.#wait(left);
      result = predicate();
    }
    return result;
  }

  /** With the lock held: releases it, blocks until notified or `timeout` seconds pass, re-acquires. False on timeout. */
  waitSync(timeout?: number): boolean {
    return runSync(this.#wait(timeoutMs('timeout', timeout)));
  }
  /** Like waitSync without blocking the event loop. */
  wait(timeout?: number): Promise<boolean> {
    return runAsync(this.#wait(timeoutMs('timeout', timeout)));
  }

  /** Waits until `predicate()` is truthy (checked with the lock held); returns its last value. */
  waitForSync<T>(predicate: () => T, timeout?: number): T {
    if (typeof predicate !== 'function') throw typeError('predicate', 'a function', predicate);
    return runSync(this.#waitFor(predicate, timeoutMs('timeout', timeout))) as T;
  }
  /** Like waitForSync without blocking the event loop. */
  waitFor<T>(predicate: () => T, timeout?: number): Promise<T> {
    if (typeof predicate !== 'function') throw typeError('predicate', 'a function', predicate);
    return runAsync(this.#waitFor(predicate, timeoutMs('timeout', timeout))) as Promise<T>;
  }

  /** Wakes up to `n` waiting threads (default 1). The lock must be held. */
  notify(n = 1): void {
    if (typeof n !== 'number' || !(n >= 0)) throw valueError('n', 'a non-negative number', n);
    if (!this.#lock[CONDITION_LOCK].isOwned()) throw new LockNotHeldError('cannot notify on un-acquired lock');
    const cells = this.#cells;
    if (Atomics.load(cells, WAITERS) === 0 || n === 0) return;
    Atomics.add(cells, SEQ, 1);
    Atomics.notify(cells, SEQ, n);
  }

  /** Wakes every waiting thread. The lock must be held. */
  notifyAll(): void {
    this.notify(Infinity);
  }

  /** @internal */
  get [CONDITION_STEPS](): { lock: AnyLock; wait: (ms: number) => Waiting<boolean> } {
    return { lock: this.#lock, wait: (ms) => this.#wait(ms) };
  }

  /** @internal */
  [SHARE](): SharedForm {
    return { kind: 'Condition', id: this.#id, data: { buffer: this.#cells.buffer, lock: this.#lock[SHARE]() } };
  }
}

registerShareable('Condition', Condition);
