/** threading.RLock (and multiprocessing.RLock): a lock the owning thread may acquire again; released when every acquire is matched. */
import { LockNotHeldError } from '../errors.js';
import { CHILD_OWNER_BASE, ownerId } from '../internal/owner-id.js';
import { lockSteps, unlock } from '../internal/futex.js';
import { blocking, isRemoteData, msArg, Remote, servedForm, unknownOp, type RemoteData } from '../internal/hub/served-object.js';
import { adopt, registerShareable, remember, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { SERVE, type Caller, type Served } from '../internal/share/served.js';
import { ABANDON_OP, runForCaller } from '../internal/share/served-wait.js';
import { runAsync, runSync, type Waiting } from '../internal/wait.js';
import { acquireMs, type AcquireOptions } from './acquire-options.js';
import { CONDITION_LOCK, type ConditionLock } from './condition-lock.js';
import { held, heldSync, type Held } from './held.js';

const MUTEX = 0;
const OWNER = 1;
const DEPTH = 2;

/**
 * A reentrant lock, like Python's `threading.RLock` and `multiprocessing.RLock`:
 * owned by the thread that acquired it, which may acquire it again; only the
 * owner may release it. Ownership is per thread, so two async tasks of one
 * thread share it. Sent to a child process, the child's main thread is an
 * owner like any thread: it holds the lock for every thread of the parent,
 * and a release by another process throws LockNotHeldError, as in Python.
 * In a child every call is a round trip to the parent, and the Promise forms
 * block its main thread while they wait.
 */
export class RLock implements Shareable, Served {
  readonly #cells: Int32Array;
  readonly #id: number;
  /** In a child process: the lock of the process that made it. */
  readonly #remote: Remote | undefined;
  /** In a child process: how deep this process holds it (its release needs no answer while it does). */
  #heldHere = 0;

  constructor() {
    const { id, data } = adopt<{ buffer: SharedArrayBuffer } | RemoteData>();
    this.#id = id;
    if (isRemoteData(data)) {
      this.#remote = new Remote(data.remote);
      this.#cells = new Int32Array(0);
    } else {
      this.#cells = new Int32Array(data?.buffer ?? new SharedArrayBuffer(12));
    }
    if (id !== 0) remember(id, this);
  }

  /** Acquires for `owner` (`depth` levels at once: a Condition restoring it). */
  *#acquire(ms: number, depth = 1, owner = ownerId): Waiting<boolean> {
    const cells = this.#cells;
    if (Atomics.load(cells, OWNER) === owner) {
      Atomics.add(cells, DEPTH, depth);
      return true;
    }
    if (!(yield* lockSteps(cells, MUTEX, ms))) return false;
    Atomics.store(cells, OWNER, owner);
    Atomics.store(cells, DEPTH, depth);
    return true;
  }

  #release(owner = ownerId): void {
    const cells = this.#cells;
    if (Atomics.load(cells, OWNER) !== owner) throw new LockNotHeldError('cannot release un-acquired lock');
    if (Atomics.sub(cells, DEPTH, 1) === 1) {
      Atomics.store(cells, OWNER, 0);
      unlock(cells, MUTEX);
    }
  }

  #remoteAcquire(ms: number): boolean {
    const acquired = this.#remote!.call<boolean>('acquire', ms);
    if (acquired) this.#heldHere++;
    return acquired;
  }

  /** Acquires (again, if this thread owns it), blocking this thread; true when acquired. */
  acquireSync(options?: AcquireOptions): boolean {
    const ms = acquireMs(options);
    return this.#remote ? this.#remoteAcquire(ms) : runSync(this.#acquire(ms));
  }

  /** Acquires without blocking the event loop (in a child process: blocking); resolves true when acquired. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    const ms = acquireMs(options);
    return this.#remote ? blocking(() => this.#remoteAcquire(ms)) : runAsync(this.#acquire(ms));
  }

  /** Undoes one acquire; the lock is free when the depth reaches 0. Throws LockNotHeldError unless this thread owns it. */
  release(): void {
    if (!this.#remote) return this.#release();
    if (this.#heldHere > 0) {
      // This process owns it: the release cannot fail, so it goes without a round trip.
      this.#heldHere--;
      this.#remote.post('release');
    } else {
      this.#remote.call('release');
    }
  }

  /** Whether any thread or process holds it now. */
  locked(): boolean {
    return this.#remote ? this.#remote.call<boolean>('locked') : Atomics.load(this.#cells, OWNER) !== 0;
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
    if (this.#remote) return this.#remoteConditionLock(this.#remote);
    const cells = this.#cells;
    return {
      isOwned: (owner = ownerId) => Atomics.load(cells, OWNER) === owner,
      releaseSave: () => {
        const depth = Atomics.load(cells, DEPTH);
        Atomics.store(cells, DEPTH, 0);
        Atomics.store(cells, OWNER, 0);
        unlock(cells, MUTEX);
        return depth;
      },
      acquireRestore: (depth, owner = ownerId) => this.#acquire(Infinity, depth, owner),
    };
  }

  /** A Condition made in a child over an RLock from its parent: each step a blocking call, as this process. */
  #remoteConditionLock(remote: Remote): ConditionLock {
    return {
      isOwned: () => remote.call<boolean>('owned'),
      releaseSave: () => remote.call<number>('releaseSave'),
      // No wait to yield: the call blocks this thread (a child's main thread) until the parent answers.
      *acquireRestore(depth: number): Waiting<boolean> {
        return remote.call<boolean>('acquireRestore', depth);
      },
    };
  }

  /** @internal A child's operation, run in the hub of the process that made the lock, as that child. */
  [SERVE](op: string, args: unknown[], caller: Caller): unknown {
    const restore = this[CONDITION_LOCK];
    switch (op) {
      case 'acquire': return runForCaller(this.#acquire(msArg(args[0]), 1, caller.owner), caller);
      case 'release': return this.#release(caller.owner);
      case 'locked': return this.locked();
      case 'owned': return restore.isOwned(caller.owner);
      case 'releaseSave': {
        if (!restore.isOwned(caller.owner)) throw new LockNotHeldError('cannot release un-acquired lock');
        return restore.releaseSave(caller.owner);
      }
      case 'acquireRestore': return runForCaller(this.#acquire(Infinity, msArg(args[0]), caller.owner), caller);
      case ABANDON_OP: {
        if (args[0] === 'acquire' && args[1] === true) this.#release(caller.owner);
        if (args[0] === 'acquireRestore' && args[1] === true) restore.releaseSave(caller.owner);
        return undefined;
      }
      default: throw unknownOp('RLock', op);
    }
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    return servedForm(this, 'RLock', this.#id, target, this.#remote, () => ({ buffer: this.#cells.buffer }));
  }

  toString(): string {
    if (this.#remote) return `<RLock ${this.locked() ? 'locked' : 'unlocked'}>`;
    const owner = Atomics.load(this.#cells, OWNER);
    const by = owner >= CHILD_OWNER_BASE ? `process ${owner - CHILD_OWNER_BASE}` : `thread ${owner - 1}`;
    return `<RLock ${owner !== 0 ? `owned by ${by}, depth ${Atomics.load(this.#cells, DEPTH)}` : 'unlocked'}>`;
  }
}

registerShareable('RLock', RLock);
