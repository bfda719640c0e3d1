/**
 * Error classes of the loom library. Each has a stable `code` (`ERR_LOOM_...`)
 * so callers can branch on it without matching messages, like Node's own
 * `ERR_*` codes and undici's `UND_ERR_*`. Python's names are kept where Python
 * has one (`BrokenBarrierError`, `Empty`, `Full`, `ShutDown`).
 *
 * @module
 */

/** Every loom error carries one of these codes. */
export type LoomErrorCode =
  | 'ERR_LOOM_INVALID_ARG_TYPE'
  | 'ERR_LOOM_INVALID_ARG_VALUE'
  | 'ERR_LOOM_THREAD_STATE'
  | 'ERR_LOOM_LOCK_NOT_HELD'
  | 'ERR_LOOM_SEMAPHORE_OVERRELEASED'
  | 'ERR_LOOM_BROKEN_BARRIER'
  | 'ERR_LOOM_QUEUE_EMPTY'
  | 'ERR_LOOM_QUEUE_FULL'
  | 'ERR_LOOM_QUEUE_SHUTDOWN'
  | 'ERR_LOOM_ITEM_TOO_LARGE'
  | 'ERR_LOOM_FREE_VARIABLE'
  | 'ERR_LOOM_NOT_SHIPPABLE'
  | 'ERR_LOOM_WORKER_DIED'
  | 'ERR_LOOM_REMOTE'
  | 'ERR_LOOM_BROKEN_WORKER'
  | 'ERR_LOOM_POOL_STATE'
  | 'ERR_LOOM_PROCESS_STATE'
  | 'ERR_LOOM_TIMEOUT'
  | 'ERR_LOOM_CANCELLED'
  | 'ERR_LOOM_RECURSIVE_SPAWN'
  | 'ERR_LOOM_EOF'
  | 'ERR_LOOM_INTERRUPTED'
  | 'ERR_LOOM_KEY'
  | 'ERR_LOOM_INDEX'
  | 'ERR_LOOM_MANAGER_STATE'
  | 'ERR_LOOM_BACKEND'
  | 'ERR_LOOM_BACKEND_LOST';

/** Base class of loom's own conditions (not of argument errors, which extend TypeError/RangeError). */
export class LoomError extends Error {
  /** Stable identifier of the condition, e.g. `ERR_LOOM_QUEUE_EMPTY`. */
  readonly code: LoomErrorCode;
  constructor(code: LoomErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
  // A getter, so subclasses get their own class name (and it shows in the stack) without repeating it.
  override get name(): string {
    return this.constructor.name;
  }
}

/** An argument has the wrong type, e.g. a Thread `target` that is not a function. */
export class ArgumentTypeError extends TypeError {
  readonly code = 'ERR_LOOM_INVALID_ARG_TYPE' as const;
  override get name(): string {
    return 'ArgumentTypeError';
  }
}

/** An argument has the right type but a bad value, e.g. a negative timeout (Python's ValueError). */
export class ArgumentValueError extends RangeError {
  readonly code = 'ERR_LOOM_INVALID_ARG_VALUE' as const;
  override get name(): string {
    return 'ArgumentValueError';
  }
}

/** A Thread used in the wrong state: started twice, joined before start, joined from itself (Python's RuntimeError). */
export class ThreadStateError extends LoomError {
  constructor(message: string) {
    super('ERR_LOOM_THREAD_STATE', message);
  }
}

/** Releasing a lock that is not held, or waiting on a Condition without its lock (Python's RuntimeError). */
export class LockNotHeldError extends LoomError {
  constructor(message: string) {
    super('ERR_LOOM_LOCK_NOT_HELD', message);
  }
}

/** A BoundedSemaphore released more often than acquired (Python's ValueError). */
export class SemaphoreOverreleasedError extends LoomError {
  constructor(message: string) {
    super('ERR_LOOM_SEMAPHORE_OVERRELEASED', message);
  }
}

/** A Barrier was aborted, reset while threads waited, or a wait timed out. */
export class BrokenBarrierError extends LoomError {
  constructor(message = 'the barrier is broken') {
    super('ERR_LOOM_BROKEN_BARRIER', message);
  }
}

/** `get` found the queue empty (non-blocking, or after its timeout). Python's `queue.Empty`. */
export class Empty extends LoomError {
  constructor(message = 'the queue is empty') {
    super('ERR_LOOM_QUEUE_EMPTY', message);
  }
}

/** `put` found the queue full (non-blocking, or after its timeout). Python's `queue.Full`. */
export class Full extends LoomError {
  constructor(message = 'the queue is full') {
    super('ERR_LOOM_QUEUE_FULL', message);
  }
}

/** The queue was shut down: `put` always, `get` once it is empty (or at once after `shutdown(true)`). Python's `queue.ShutDown`. */
export class ShutDown extends LoomError {
  constructor(message = 'the queue was shut down') {
    super('ERR_LOOM_QUEUE_SHUTDOWN', message);
  }
}

/** An item is larger than a queue's byte capacity and could never fit. */
export class ItemTooLargeError extends LoomError {
  constructor(message: string) {
    super('ERR_LOOM_ITEM_TOO_LARGE', message);
  }
}

/** A function or class sent to a thread uses names the thread cannot see. */
export class FreeVariableError extends LoomError {
  /** The names that could not be resolved, in source order. */
  readonly names: readonly string[];
  constructor(message: string, names: readonly string[]) {
    super('ERR_LOOM_FREE_VARIABLE', message);
    this.names = names;
  }
}

/** A value cannot be sent to a thread at all (native or bound function, class with #private members, ...). */
export class NotShippableError extends LoomError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_LOOM_NOT_SHIPPABLE', message, options);
  }
}

/** A worker ended without reporting (process.exit() inside it, out of memory, terminated). */
export class WorkerDiedError extends LoomError {
  constructor(message: string) {
    super('ERR_LOOM_WORKER_DIED', message);
  }
}

/**
 * An error thrown in another thread whose class does not exist here. `name`
 * is the remote class name; `cause` holds the remote stack.
 */
export class RemoteError extends LoomError {
  constructor(remoteName: string, message: string, options?: ErrorOptions) {
    super('ERR_LOOM_REMOTE', message, options);
    // The stack was captured with the class name; show the remote one, as the user named it.
    Object.defineProperty(this, 'name', { value: remoteName, configurable: true, writable: true });
    if (this.stack) this.stack = this.stack.replace(/^RemoteError/, remoteName);
  }
}

/**
 * A pool or executor worker (thread or process) died while it held the task:
 * it crashed, called process.exit(), ran out of memory, aborted or was killed.
 * The pool replaces the worker; the other tasks go on. Python's
 * `BrokenProcessPool`, without the pool becoming unusable.
 */
export class BrokenWorkerError extends LoomError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_LOOM_BROKEN_WORKER', message, options);
  }
}

/**
 * A pool or executor used in the wrong state: a task submitted after close()
 * or shutdown(), join() before close(), or a task left unfinished by
 * terminate() (Python's `ValueError: Pool not running` and `RuntimeError:
 * cannot schedule new futures after shutdown`).
 */
export class PoolStateError extends LoomError {
  constructor(message: string) {
    super('ERR_LOOM_POOL_STATE', message);
  }
}

/** A Process used in the wrong state: started twice, joined before start (Python's AssertionError/ValueError). */
export class ProcessStateError extends LoomError {
  constructor(message: string) {
    super('ERR_LOOM_PROCESS_STATE', message);
  }
}

/** A result was not ready within the timeout given (Python's `multiprocessing.TimeoutError`, `concurrent.futures.TimeoutError`). */
export class TimeoutError extends LoomError {
  constructor(message = 'the result was not ready within the timeout') {
    super('ERR_LOOM_TIMEOUT', message);
  }
}

/** The future was cancelled before it ran (Python's `concurrent.futures.CancelledError`). */
export class CancelledError extends LoomError {
  constructor(message = 'the future was cancelled') {
    super('ERR_LOOM_CANCELLED', message);
  }
}

/**
 * A process (or pool) was about to start where that would recurse: inside a
 * worker that is still loading the module a task came from (the module starts
 * processes at its top level and is not guarded by a main check), or deeper
 * than the nesting limit. Python's "An attempt has been made to start a new
 * process before the current process has finished its bootstrapping phase".
 */
export class RecursiveSpawnError extends LoomError {
  constructor(message: string) {
    super('ERR_LOOM_RECURSIVE_SPAWN', message);
  }
}

/** recv() on a Connection whose other end was closed and has nothing left to read (Python's EOFError). */
export class EOFError extends LoomError {
  constructor(message = 'the other end of the connection was closed') {
    super('ERR_LOOM_EOF', message);
  }
}

/**
 * The work was stopped because the code that started it was interrupted (in a
 * notebook: the cell, by Kernel > Interrupt): a pool task or executor call
 * that had not finished. Python's `KeyboardInterrupt`, as a pool's caller sees it.
 */
export class Interrupted extends LoomError {
  constructor(message = 'interrupted: the task was stopped before it finished') {
    super('ERR_LOOM_INTERRUPTED', message);
  }
}

/** A key that is not in the mapping: a Manager dict's `pop(key)` without a default, `popitem()` of an empty one (Python's KeyError). */
export class KeyError extends LoomError {
  constructor(message: string) {
    super('ERR_LOOM_KEY', message);
  }
}

/** An index outside the sequence: a Manager list's `get(i)`, `set(i, v)`, `pop(i)` (Python's IndexError, with its wording). */
export class IndexError extends LoomError {
  constructor(message: string) {
    super('ERR_LOOM_INDEX', message);
  }
}

/**
 * A Manager used after `shutdown()` (or after its thread died): its proxies
 * and its factories (`m.dict()`) refuse. Python's BrokenPipeError from a
 * proxy, AssertionError from the manager.
 */
export class ManagerStateError extends LoomError {
  constructor(message: string) {
    super('ERR_LOOM_MANAGER_STATE', message);
  }
}

/**
 * A cluster's backend (its Redis) cannot be used: unreachable within the
 * connect timeout, refused the password, or a job refused by every worker
 * (a bad signature, another V8). The message names the URL without its password.
 */
export class BackendError extends LoomError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_LOOM_BACKEND', message, options);
  }
}

/**
 * A cluster's backend lost the work it held: its Redis came back empty
 * (restarted without persistence, or flushed) while tasks were out. Those
 * tasks' results and futures reject with it rather than wait forever.
 */
export class BackendLostError extends BackendError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    (this as { code: LoomErrorCode }).code = 'ERR_LOOM_BACKEND_LOST';
  }
}

/**
 * One identity across copies of loom (undici's pattern). A notebook may load
 * its own copy (its node_modules/loom) next to the kernel's: the same classes
 * as two sets of objects, so a plain `instanceof` fails for an error made by
 * the other copy. Each class below brands its prototype with
 * `Symbol.for('loom.error.<Name>')`, one symbol for every copy in the
 * process, and `instanceof` asks for the brand: a subclass's instances have
 * its base's brand too, a sibling's do not. On the prototype, not on each
 * error: an own property would show in every printed error.
 */
const BRANDS = new WeakMap<Function, symbol>();

function hasBrand(this: Function, value: unknown): boolean {
  const brand = BRANDS.get(this);
  // A user's class that extends a loom error: the ordinary prototype-chain test.
  if (brand === undefined) return Function.prototype[Symbol.hasInstance].call(this, value);
  return (typeof value === 'object' || typeof value === 'function') && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

for (const cls of [
  LoomError, ArgumentTypeError, ArgumentValueError, ThreadStateError, LockNotHeldError, SemaphoreOverreleasedError,
  BrokenBarrierError, Empty, Full, ShutDown, ItemTooLargeError, FreeVariableError, NotShippableError, WorkerDiedError,
  RemoteError, BrokenWorkerError, PoolStateError, ProcessStateError, TimeoutError, CancelledError, RecursiveSpawnError,
  EOFError, Interrupted, KeyError, IndexError, ManagerStateError, BackendError, BackendLostError,
]) {
  const brand = Symbol.for(`loom.error.${cls.name}`);
  BRANDS.set(cls, brand);
  Object.defineProperty(cls.prototype, brand, { value: true });
  Object.defineProperty(cls, Symbol.hasInstance, { value: hasBrand, configurable: true });
}
