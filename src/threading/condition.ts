/** threading.Condition (and multiprocessing.Condition): wait until another thread or process notifies, with a Lock or RLock held around the check. */
import { LockNotHeldError } from '../errors.js';
import { blocking, isRemoteData, msArg, Remote, servedForm, unknownOp, type RemoteData } from '../internal/hub/served-object.js';
import { ownerId } from '../internal/owner-id.js';
import { adopt, registerShareable, remember, revive, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { SERVE, type Caller, type Served } from '../internal/share/served.js';
import { ABANDON_OP, runForCaller } from '../internal/share/served-wait.js';
import { typeError, timeoutMs, valueError } from '../internal/validate.js';
import { deadlineAfter, remaining, runAsync, runSync, type Waiting } from '../internal/wait.js';
import { acquireMs, type AcquireOptions } from './acquire-options.js';
import { CONDITION_LOCK, hasConditionLock, type HasConditionLock } from './condition-lock.js';
import { held, heldSync, type Held } from './held.js';
import type { Lock } from './lock.js';
import { RLock } from './rlock.js';

/** Bumped by every notify; a waiter sleeps while it is unchanged. */
const SEQ = 0;
/** Threads inside wait(), so notify costs nothing when nobody waits. */
const WAITERS = 1;

/** @internal The generator steps of a Condition, for primitives built on it (Barrier). */
export const CONDITION_STEPS: unique symbol = Symbol('loom.conditionSteps') as never;

type AnyLock = (Lock | RLock) & HasConditionLock & Served;

/**
 * A condition variable, like Python's `threading.Condition(lock)` and
 * `multiprocessing.Condition`: hold its lock, check your state, `wait` (which
 * releases the lock while waiting), and `notify` from the thread that changes
 * the state. A wait may return early when several notifies race;
 * `waitFor(predicate)` re-checks for you. Sent to a child process, the child
 * waits and notifies like a thread of the parent: every call is a round trip
 * to the parent, the Promise forms block the child's main thread, and
 * `waitFor`'s predicate runs in the child.
 */
export class Condition implements Shareable, Served {
  readonly #cells: Int32Array;
  readonly #id: number;
  readonly #lock: AnyLock;
  /** In a child process: the condition of the process that made it. */
  readonly #remote: Remote | undefined;
  /** In a child process: acquires of this process through the condition not released yet. */
  #heldHere = 0;

  /** @param lock the Lock or RLock to use; a new RLock by default (as in Python). */
  constructor(lock?: Lock | RLock) {
    const { id, data } = adopt<{ buffer: SharedArrayBuffer; lock: SharedForm } | RemoteData>();
    this.#id = id;
    if (isRemoteData(data)) {
      this.#remote = new Remote(data.remote);
      this.#cells = new Int32Array(0);
      this.#lock = undefined as never;
    } else if (data) {
      this.#cells = new Int32Array(data.buffer);
      this.#lock = revive(data.lock) as AnyLock;
    } else {
      if (lock !== undefined && !hasConditionLock(lock)) throw typeError('lock', 'a Lock or RLock', lock);
      this.#cells = new Int32Array(new SharedArrayBuffer(8));
      this.#lock = (lock ?? new RLock()) as AnyLock;
    }
    if (id !== 0) remember(id, this);
  }

  #remoteAcquire(ms: number): boolean {
    const acquired = this.#remote!.call<boolean>('acquire', ms);
    if (acquired) this.#heldHere++;
    return acquired;
  }

  /** Acquires the underlying lock, blocking this thread. */
  acquireSync(options?: AcquireOptions): boolean {
    return this.#remote ? this.#remoteAcquire(acquireMs(options)) : this.#lock.acquireSync(options);
  }
  /** Acquires the underlying lock without blocking the event loop (in a child process: blocking). */
  acquire(options?: AcquireOptions): Promise<boolean> {
    if (!this.#remote) return this.#lock.acquire(options);
    const ms = acquireMs(options);
    return blocking(() => this.#remoteAcquire(ms));
  }
  /** Releases the underlying lock. */
  release(): void {
    if (!this.#remote) return this.#lock.release();
    if (this.#heldHere > 0) {
      // This process holds it: the release cannot fail, so it goes without a round trip.
      this.#heldHere--;
      this.#remote.post('release');
    } else {
      this.#remote.call('release');
    }
  }
  /** `using _ = cond.holdSync()`: Python's `with cond:`. */
  holdSync(): Held {
    return heldSync(this);
  }
  /** `using _ = await cond.hold()`. */
  hold(): Promise<Held> {
    return held(this);
  }

  /** Waits as `owner`: this thread, or a child process when the hub waits for it. */
  *#wait(ms: number, owner = ownerId): Waiting<boolean> {
    const lock = this.#lock[CONDITION_LOCK];
    if (!lock.isOwned(owner)) throw new LockNotHeldError('cannot wait on un-acquired lock');
    const cells = this.#cells;
    const seq = Atomics.load(cells, SEQ);
    Atomics.add(cells, WAITERS, 1);
    const saved = lock.releaseSave(owner);
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
    yield* lock.acquireRestore(saved, owner);
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

  /** In a child: Python's wait_for, the predicate here and each wait a call to the parent. */
  #remoteWaitFor(predicate: () => unknown, ms: number): unknown {
    const deadline = deadlineAfter(ms);
    let result = predicate();
    while (!result) {
      const left = remaining(deadline);
      if (left <= 0) break;
      this.#remote!.call('wait', left);
      result = predicate();
    }
    return result;
  }

  /** With the lock held: releases it, blocks until notified or `timeout` seconds pass, re-acquires. False on timeout. */
  waitSync(timeout?: number): boolean {
    const ms = timeoutMs('timeout', timeout);
    return this.#remote ? this.#remote.call<boolean>('wait', ms) : runSync(this.#wait(ms));
  }
  /** Like waitSync without blocking the event loop (in a child process: blocking). */
  wait(timeout?: number): Promise<boolean> {
    const ms = timeoutMs('timeout', timeout);
    return this.#remote ? blocking(() => this.#remote!.call<boolean>('wait', ms)) : runAsync(this.#wait(ms));
  }

  /** Waits until `predicate()` is truthy (checked with the lock held); returns its last value. */
  waitForSync<T>(predicate: () => T, timeout?: number): T {
    if (typeof predicate !== 'function') throw typeError('predicate', 'a function', predicate);
    const ms = timeoutMs('timeout', timeout);
    return (this.#remote ? this.#remoteWaitFor(predicate, ms) : runSync(this.#waitFor(predicate, ms))) as T;
  }
  /** Like waitForSync without blocking the event loop (in a child process: blocking). */
  waitFor<T>(predicate: () => T, timeout?: number): Promise<T> {
    if (typeof predicate !== 'function') throw typeError('predicate', 'a function', predicate);
    const ms = timeoutMs('timeout', timeout);
    if (this.#remote) return blocking(() => this.#remoteWaitFor(predicate, ms) as T);
    return runAsync(this.#waitFor(predicate, ms)) as Promise<T>;
  }

  #notify(n: number, owner = ownerId): void {
    if (!this.#lock[CONDITION_LOCK].isOwned(owner)) throw new LockNotHeldError('cannot notify on un-acquired lock');
    const cells = this.#cells;
    if (Atomics.load(cells, WAITERS) === 0 || n === 0) return;
    Atomics.add(cells, SEQ, 1);
    Atomics.notify(cells, SEQ, n);
  }

  /** Wakes up to `n` waiting threads or processes (default 1). The lock must be held. */
  notify(n = 1): void {
    if (typeof n !== 'number' || !(n >= 0)) throw valueError('n', 'a non-negative number', n);
    if (this.#remote) this.#remote.call('notify', n);
    else this.#notify(n);
  }

  /** Wakes every waiting thread and process. The lock must be held. */
  notifyAll(): void {
    this.notify(Infinity);
  }

  /** @internal */
  get [CONDITION_STEPS](): { lock: AnyLock; wait: (ms: number) => Waiting<boolean> } {
    return { lock: this.#lock, wait: (ms) => this.#wait(ms) };
  }

  /** @internal A child's operation, run in the hub of the process that made the condition, as that child. */
  [SERVE](op: string, args: unknown[], caller: Caller): unknown {
    switch (op) {
      case 'acquire': return this.#lock[SERVE]('acquire', args, caller);
      case 'release': return this.#lock[SERVE]('release', [], caller);
      case 'wait': return runForCaller(this.#wait(msArg(args[0]), caller.owner), caller);
      case 'notify': return this.#notify(msArg(args[0]), caller.owner);
      case ABANDON_OP: {
        // An acquire, or a wait (which re-acquires), that ended after the child did: let the lock go.
        if ((args[0] === 'acquire' && args[1] === true) || args[0] === 'wait') this.#lock[SERVE]('release', [], caller);
        return undefined;
      }
      default: throw unknownOp('Condition', op);
    }
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    return servedForm(this, 'Condition', this.#id, target, this.#remote, () => ({ buffer: this.#cells.buffer, lock: this.#lock[SHARE]() }));
  }
}

registerShareable('Condition', Condition);
