/** threading.Lock (and multiprocessing.Lock): a mutex in shared memory, usable from every thread and child process it is handed to. */
import { LockNotHeldError } from '../errors.js';
import { isLocked, lockSteps, unlock } from '../internal/futex.js';
import { blocking, isRemoteData, msArg, Remote, servedForm, unknownOp, type RemoteData } from '../internal/hub/served-object.js';
import { adopt, registerShareable, remember, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { SERVE, type Caller, type Served } from '../internal/share/served.js';
import { ABANDON_OP, runForCaller } from '../internal/share/served-wait.js';
import { runAsync, runSync, type Waiting } from '../internal/wait.js';
import { acquireMs, type AcquireOptions } from './acquire-options.js';
import { CONDITION_LOCK, type ConditionLock } from './condition-lock.js';
import { held, heldSync, type Held } from './held.js';

/**
 * A primitive lock, like Python's `threading.Lock` and `multiprocessing.Lock`:
 * not owned by a thread, so any thread (or process) may release it. Hand it to
 * threads, or to child processes (Process args, pool tasks and initargs), as
 * an argument or as a field of a Thread or Process subclass; every copy is the
 * same lock, so one held in a child blocks the parent's threads and back.
 *
 * In a child process every call is a round trip to the parent that made the
 * lock (about as costly as a queue get), and the Promise forms block the
 * child's main thread while they wait, as a multiprocessing Queue's do.
 *
 * @example
 * ```ts
 * const lock = new Lock();
 * using _ = lock.holdSync();   // Python: with lock:
 * counter[0]++;
 * ```
 */
export class Lock implements Shareable, Served {
  readonly #cells: Int32Array;
  readonly #id: number;
  /** In a child process: the lock of the process that made it. */
  readonly #remote: Remote | undefined;
  /** In a child process: acquires of this process not released yet (its release needs no answer then). */
  #heldHere = 0;

  constructor() {
    const { id, data } = adopt<{ buffer: SharedArrayBuffer } | RemoteData>();
    this.#id = id;
    if (isRemoteData(data)) {
      this.#remote = new Remote(data.remote);
      this.#cells = new Int32Array(0);
    } else {
      this.#cells = new Int32Array(data?.buffer ?? new SharedArrayBuffer(4));
    }
    if (id !== 0) remember(id, this);
  }

  #remoteAcquire(ms: number): boolean {
    const acquired = this.#remote!.call<boolean>('acquire', ms);
    if (acquired) this.#heldHere++;
    return acquired;
  }

  /** Acquires, blocking this thread (Atomics.wait); true when acquired, false on timeout or when non-blocking and taken. */
  acquireSync(options?: AcquireOptions): boolean {
    const ms = acquireMs(options);
    return this.#remote ? this.#remoteAcquire(ms) : runSync(lockSteps(this.#cells, 0, ms));
  }

  /** Acquires without blocking the event loop (in a child process: blocking); resolves true when acquired, false on timeout. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    const ms = acquireMs(options);
    return this.#remote ? blocking(() => this.#remoteAcquire(ms)) : runAsync(lockSteps(this.#cells, 0, ms));
  }

  /** Releases; any thread or process may release. Throws LockNotHeldError when the lock is not held. */
  release(): void {
    if (!this.#remote) {
      if (!unlock(this.#cells, 0)) throw new LockNotHeldError('release unlocked lock');
    } else if (this.#heldHere > 0) {
      // This process holds it: the release cannot fail, so it goes without a round trip.
      this.#heldHere--;
      this.#remote.post('release');
    } else {
      this.#remote.call('release');
    }
  }

  /** Whether some thread or process holds the lock now. */
  locked(): boolean {
    return this.#remote ? this.#remote.call<boolean>('locked') : isLocked(this.#cells, 0);
  }

  /** Acquires (blocking) and returns a Held that releases on dispose: `using _ = lock.holdSync()`. */
  holdSync(): Held {
    return heldSync(this);
  }

  /** Acquires without blocking the event loop: `using _ = await lock.hold()`. */
  hold(): Promise<Held> {
    return held(this);
  }

  /** @internal */
  get [CONDITION_LOCK](): ConditionLock {
    if (this.#remote) return this.#remoteConditionLock();
    return {
      isOwned: () => this.locked(),
      releaseSave: () => (this.release(), 0),
      acquireRestore: () => lockSteps(this.#cells, 0, Infinity),
    };
  }

  /** A Condition made in a child over a lock from its parent: each step a blocking call. */
  #remoteConditionLock(): ConditionLock {
    const lock = this;
    return {
      isOwned: () => this.locked(),
      releaseSave: () => (this.release(), 0),
      // No wait to yield: the call blocks this thread (a child's main thread) until the parent answers.
      *acquireRestore(): Waiting<boolean> {
        return lock.acquireSync();
      },
    };
  }

  /** @internal A child's operation, run in the hub of the process that made the lock. */
  [SERVE](op: string, args: unknown[], caller: Caller): unknown {
    switch (op) {
      case 'acquire': return runForCaller(lockSteps(this.#cells, 0, msArg(args[0])), caller);
      case 'release': return this.release();
      case 'locked': return this.locked();
      case ABANDON_OP: {
        if (args[0] === 'acquire' && args[1] === true) unlock(this.#cells, 0);
        return undefined;
      }
      default: throw unknownOp('Lock', op);
    }
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    return servedForm(this, 'Lock', this.#id, target, this.#remote, () => ({ buffer: this.#cells.buffer }));
  }

  toString(): string {
    return `<Lock ${this.locked() ? 'locked' : 'unlocked'}>`;
  }
}

registerShareable('Lock', Lock);
