/** threading.RLock: a lock the owning thread may acquire again; released when every acquire is matched. */
import { LockNotHeldError } from '../errors.js';
import { ownerId } from '../internal/owner-id.js';
import { lockSteps, unlock } from '../internal/futex.js';
import { adopt, registerShareable, remember, SHARE, type Shareable, type SharedForm } from '../internal/share/registry.js';
import { runAsync, runSync, type Waiting } from '../internal/wait.js';
import { acquireMs, type AcquireOptions } from './acquire-options.js';
import { CONDITION_LOCK, type ConditionLock } from './condition-lock.js';
import { held, heldSync, type Held } from './held.js';

const MUTEX = 0;
const OWNER = 1;
const DEPTH = 2;

/**
 * A reentrant lock, like Python's `threading.RLock`: owned by the thread that
 * acquired it, which may acquire it again; only the owner may release it.
 * Ownership is per thread, so two async tasks of one thread share it.
 */
export class RLock implements Shareable {
  readonly #cells: Int32Array;
  readonly #id: number;

  constructor() {
    const { id, data } = adopt<{ buffer: SharedArrayBuffer }>();
    this.#id = id;
    this.#cells = new Int32Array(data?.buffer ?? new SharedArrayBuffer(12));
    remember(id, this);
  }

  *#acquire(ms: number, depth = 1): Waiting<boolean> {
    const cells = this.#cells;
    if (Atomics.load(cells, OWNER) === ownerId) {
      Atomics.add(cells, DEPTH, depth);
      return true;
    }
    if (!(yield* lockSteps(cells, MUTEX, ms))) return false;
    Atomics.store(cells, OWNER, ownerId);
    Atomics.store(cells, DEPTH, depth);
    return true;
  }

  /** Acquires (again, if this thread owns it), blocking this thread; true when acquired. */
  acquireSync(options?: AcquireOptions): boolean {
    return runSync(this.#acquire(acquireMs(options)));
  }

  /** Acquires without blocking the event loop; resolves true when acquired. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    return runAsync(this.#acquire(acquireMs(options)));
  }

  /** Undoes one acquire; the lock is free when the depth reaches 0. Throws LockNotHeldError unless this thread owns it. */
  release(): void {
    const cells = this.#cells;
    if (Atomics.load(cells, OWNER) !== ownerId) throw new LockNotHeldError('cannot release un-acquired lock');
    if (Atomics.sub(cells, DEPTH, 1) === 1) {
      Atomics.store(cells, OWNER, 0);
      unlock(cells, MUTEX);
    }
  }

  /** Whether any thread holds it now. */
  locked(): boolean {
    return Atomics.load(this.#cells, OWNER) !== 0;
  }

  /** Acquires (blocking) and returns a Held that releases on dispose: `using _ = rlock.holdSync()`. */
  holdSync(): Held {
    return heldSync(this);
  }

  /** Acquires without blocking the event loop: `using _ = await rlock.hold()`. */
  hold(): Promise<Held> {
    return held(this);
  }

  /** @internal */
  get [CONDITION_LOCK](): ConditionLock {
    const cells = this.#cells;
    return {
      isOwned: () => Atomics.load(cells, OWNER) === ownerId,
      releaseSave: () => {
        const depth = Atomics.load(cells, DEPTH);
        Atomics.store(cells, DEPTH, 0);
        Atomics.store(cells, OWNER, 0);
        unlock(cells, MUTEX);
        return depth;
      },
      acquireRestore: (depth) => this.#acquire(Infinity, depth),
    };
  }

  /** @internal */
  [SHARE](): SharedForm {
    return { kind: 'RLock', id: this.#id, data: { buffer: this.#cells.buffer } };
  }

  toString(): string {
    return `<RLock ${this.locked() ? `owned by thread ${Atomics.load(this.#cells, OWNER) - 1}, depth ${Atomics.load(this.#cells, DEPTH)}` : 'unlocked'}>`;
  }
}

registerShareable('RLock', RLock);
