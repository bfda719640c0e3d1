/** threading.Lock: a mutex in shared memory, usable from every thread it is handed to. */
import { LockNotHeldError } from '../errors.js';
import { isLocked, lockSteps, unlock } from '../internal/futex.js';
import { adopt, registerShareable, remember, SHARE, type Shareable, type SharedForm } from '../internal/share/registry.js';
import { runAsync, runSync } from '../internal/wait.js';
import { acquireMs, type AcquireOptions } from './acquire-options.js';
import { CONDITION_LOCK, type ConditionLock } from './condition-lock.js';
import { held, heldSync, type Held } from './held.js';

/**
 * A primitive lock, like Python's `threading.Lock`: not owned by a thread, so
 * any thread may release it. Hand it to threads as an argument or as a field
 * of a Thread subclass; every copy is the same lock.
 *
 * @example
 * ```ts
 * const lock = new Lock();
 * using _ = lock.holdSync();   // Python: with lock:
 * counter[0]++;
 * ```
 */
export class Lock implements Shareable {
  readonly #cells: Int32Array;
  readonly #id: number;

  constructor() {
    const { id, data } = adopt<{ buffer: SharedArrayBuffer }>();
    this.#id = id;
    this.#cells = new Int32Array(data?.buffer ?? new SharedArrayBuffer(4));
    remember(id, this);
  }

  /** Acquires, blocking this thread (Atomics.wait); true when acquired, false on timeout or when non-blocking and taken. */
  acquireSync(options?: AcquireOptions): boolean {
    return runSync(lockSteps(this.#cells, 0, acquireMs(options)));
  }

  /** Acquires without blocking the event loop; resolves true when acquired, false on timeout. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    return runAsync(lockSteps(this.#cells, 0, acquireMs(options)));
  }

  /** Releases; any thread may release. Throws LockNotHeldError when the lock is not held. */
  release(): void {
    if (!unlock(this.#cells, 0)) throw new LockNotHeldError('release unlocked lock');
  }

  /** Whether some thread holds the lock now. */
  locked(): boolean {
    return isLocked(this.#cells, 0);
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
    return {
      isOwned: () => this.locked(),
      releaseSave: () => (this.release(), 0),
      acquireRestore: () => lockSteps(this.#cells, 0, Infinity),
    };
  }

  /** @internal */
  [SHARE](): SharedForm {
    return { kind: 'Lock', id: this.#id, data: { buffer: this.#cells.buffer } };
  }

  toString(): string {
    return `<Lock ${this.locked() ? 'locked' : 'unlocked'}>`;
  }
}

registerShareable('Lock', Lock);
