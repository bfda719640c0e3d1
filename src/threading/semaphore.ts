/** threading.Semaphore and BoundedSemaphore: a counter in shared memory; acquire waits while it is 0. */
import { SemaphoreOverreleasedError } from '../errors.js';
import { adopt, registerShareable, remember, SHARE, type Shareable, type SharedForm } from '../internal/share/registry.js';
import { nonNegativeInteger, valueError } from '../internal/validate.js';
import { deadlineAfter, remaining, runAsync, runSync, type Waiting } from '../internal/wait.js';
import { acquireMs, type AcquireOptions } from './acquire-options.js';
import { held, heldSync, type Held } from './held.js';

const VALUE = 0;
/** The initial value, which a BoundedSemaphore may not exceed (-1 for an unbounded Semaphore). */
const BOUND = 1;

/**
 * A counting semaphore, like Python's `threading.Semaphore(value)`: `acquire`
 * takes one unit, waiting while there is none; `release(n)` gives units back.
 */
export class Semaphore implements Shareable {
  readonly #cells: Int32Array;
  readonly #id: number;

  /** @param value initial number of units, a non-negative integer (default 1). */
  constructor(value = 1) {
    const { id, data } = adopt<{ buffer: SharedArrayBuffer }>();
    this.#id = id;
    if (data) {
      this.#cells = new Int32Array(data.buffer);
    } else {
      this.#cells = new Int32Array(new SharedArrayBuffer(8));
      this.#cells[VALUE] = nonNegativeInteger('value', value, 1);
      this.#cells[BOUND] = this.bounded() ? this.#cells[VALUE] : -1;
    }
    remember(id, this);
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
    return runSync(this.#acquire(acquireMs(options, 'semaphore')));
  }

  /** Takes one unit without blocking the event loop. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    return runAsync(this.#acquire(acquireMs(options, 'semaphore')));
  }

  /** Gives back `n` units (default 1), waking up to `n` waiting threads. */
  release(n = 1): void {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw valueError('n', 'a positive integer', n);
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

  /** @internal */
  [SHARE](): SharedForm {
    return { kind: this.bounded() ? 'BoundedSemaphore' : 'Semaphore', id: this.#id, data: { buffer: this.#cells.buffer } };
  }

  toString(): string {
    return `<${this.constructor.name} value=${Atomics.load(this.#cells, VALUE)}>`;
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
