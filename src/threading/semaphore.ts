/** threading.Semaphore and BoundedSemaphore (and multiprocessing's): a counter in shared memory; acquire waits while it is 0. */
import { SemaphoreOverreleasedError } from '../errors.js';
import { blocking, isRemoteData, msArg, Remote, servedForm, unknownOp, type RemoteData } from '../internal/hub/served-object.js';
import { adopt, registerShareable, remember, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { SERVE, type Caller, type Served } from '../internal/share/served.js';
import { ABANDON_OP, runForCaller } from '../internal/share/served-wait.js';
import { nonNegativeInteger, valueError } from '../internal/validate.js';
import { deadlineAfter, remaining, runAsync, runSync, type Waiting } from '../internal/wait.js';
import { acquireMs, type AcquireOptions } from './acquire-options.js';
import { held, heldSync, type Held } from './held.js';

const VALUE = 0;
/** The initial value, which a BoundedSemaphore may not exceed (-1 for an unbounded Semaphore). */
const BOUND = 1;

/**
 * A counting semaphore, like Python's `threading.Semaphore(value)` and
 * `multiprocessing.Semaphore`: `acquire` takes one unit, waiting while there
 * is none; `release(n)` gives units back. Sent to a child process, the child
 * takes and gives units of the same semaphore: each acquire is a round trip
 * to the parent (the Promise form blocks the child's main thread while it
 * waits); a Semaphore's release needs no answer, a BoundedSemaphore's does.
 */
export class Semaphore implements Shareable, Served {
  readonly #cells: Int32Array;
  readonly #id: number;
  /** In a child process: the semaphore of the process that made it. */
  readonly #remote: Remote | undefined;

  /** @param value initial number of units, a non-negative integer (default 1). */
  constructor(value = 1) {
    const { id, data } = adopt<{ buffer: SharedArrayBuffer } | RemoteData>();
    this.#id = id;
    if (isRemoteData(data)) {
      this.#remote = new Remote(data.remote);
      this.#cells = new Int32Array(0);
    } else if (data) {
      this.#cells = new Int32Array(data.buffer);
    } else {
      this.#cells = new Int32Array(new SharedArrayBuffer(8));
      this.#cells[VALUE] = nonNegativeInteger('value', value, 1);
      this.#cells[BOUND] = this.bounded() ? this.#cells[VALUE] : -1;
    }
    if (id !== 0) remember(id, this);
  }

  /** @internal Whether release may exceed the initial value. */
  protected bounded(): boolean {
    return false;
  }

  *#acquire(ms: number): Waiting<boolean> {
    const cells = this.#cells;
    const deadline = deadlineAfter(ms);
    for (;;) {
      const value = Atomics.load(cells, VALUE);
      if (value > 0) {
        if (Atomics.compareExchange(cells, VALUE, value, value - 1) === value) return true;
        continue;
      }
      const left = remaining(deadline);
      if (left <= 0) return false;
      yield { cells, index: VALUE, value: 0, ms: left };
    }
  }

  /** Takes one unit, blocking this thread while there is none; true when taken, false on timeout. */
  acquireSync(options?: AcquireOptions): boolean {
    const ms = acquireMs(options, 'semaphore');
    return this.#remote ? this.#remote.call<boolean>('acquire', ms) : runSync(this.#acquire(ms));
  }

  /** Takes one unit without blocking the event loop (in a child process: blocking). */
  acquire(options?: AcquireOptions): Promise<boolean> {
    const ms = acquireMs(options, 'semaphore');
    return this.#remote ? blocking(() => this.#remote!.call<boolean>('acquire', ms)) : runAsync(this.#acquire(ms));
  }

  /** Gives back `n` units (default 1), waking up to `n` waiting threads or processes. */
  release(n = 1): void {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw valueError('n', 'a positive integer', n);
    // A BoundedSemaphore's release may fail (too many), so it waits for the answer; a Semaphore's cannot.
    if (this.#remote) return this.bounded() ? this.#remote.call('release', n) : this.#remote.post('release', n);
    this.#release(n);
  }

  #release(n: number): void {
    const cells = this.#cells;
    const bound = Atomics.load(cells, BOUND);
    for (;;) {
      const value = Atomics.load(cells, VALUE);
      if (bound >= 0 && value + n > bound) throw new SemaphoreOverreleasedError('Semaphore released too many times');
      if (Atomics.compareExchange(cells, VALUE, value, value + n) === value) break;
    }
    Atomics.notify(cells, VALUE, n);
  }

  /** Takes a unit (blocking) and returns a Held that gives it back on dispose. */
  holdSync(): Held {
    return heldSync(this);
  }

  /** Takes a unit without blocking the event loop: `using _ = await sem.hold()`. */
  hold(): Promise<Held> {
    return held(this);
  }

  /** @internal A child's operation, run in the hub of the process that made the semaphore. */
  [SERVE](op: string, args: unknown[], caller: Caller): unknown {
    switch (op) {
      case 'acquire': return runForCaller(this.#acquire(msArg(args[0])), caller);
      case 'release': return this.#release(msArg(args[0]));
      case 'value': return Atomics.load(this.#cells, VALUE);
      case ABANDON_OP: {
        if (args[0] === 'acquire' && args[1] === true) this.#release(1);
        return undefined;
      }
      default: throw unknownOp(this.constructor.name, op);
    }
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    return servedForm(this, this.bounded() ? 'BoundedSemaphore' : 'Semaphore', this.#id, target, this.#remote, () => ({ buffer: this.#cells.buffer }));
  }

  toString(): string {
    const value = this.#remote ? this.#remote.call<number>('value') : Atomics.load(this.#cells, VALUE);
    return `<${this.constructor.name} value=${value}>`;
  }
}

/** Like Semaphore, but `release` beyond the initial value throws SemaphoreOverreleasedError (Python's ValueError). */
export class BoundedSemaphore extends Semaphore {
  protected override bounded(): boolean {
    return true;
  }
}

registerShareable('Semaphore', Semaphore);
registerShareable('BoundedSemaphore', BoundedSemaphore);
