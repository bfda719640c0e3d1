/** threading.Event: a flag in shared memory that threads wait on. */
import { adopt, registerShareable, remember, SHARE, type Shareable, type SharedForm } from '../internal/share/registry.js';
import { timeoutMs } from '../internal/validate.js';
import { deadlineAfter, remaining, runAsync, runSync, type Waiting } from '../internal/wait.js';

const FLAG = 0;
/** Bumped by each set(), so a waiter knows it was woken by a set even if clear() came right after (Python returns True then). */
const SETS = 1;

/**
 * A flag, like Python's `threading.Event`: `set()` wakes every waiter,
 * `wait()` returns at once while it is set.
 */
export class Event implements Shareable {
  readonly #cells: Int32Array;
  readonly #id: number;

  constructor() {
    const { id, data } = adopt<{ buffer: SharedArrayBuffer }>();
    this.#id = id;
    this.#cells = new Int32Array(data?.buffer ?? new SharedArrayBuffer(8));
    remember(id, this);
  }

  /** Whether the flag is set now (a read of shared memory, true at once). */
  isSet(): boolean {
    return Atomics.load(this.#cells, FLAG) === 1;
  }

  /** Sets the flag and wakes every thread waiting for it. */
  set(): void {
    if (Atomics.exchange(this.#cells, FLAG, 1) === 0) {
      Atomics.add(this.#cells, SETS, 1);
      Atomics.notify(this.#cells, SETS);
    }
  }

  /** Clears the flag; later waits block until the next set(). */
  clear(): void {
    Atomics.store(this.#cells, FLAG, 0);
  }

  *#wait(ms: number): Waiting<boolean> {
    const cells = this.#cells;
    const sets = Atomics.load(cells, SETS);
    if (Atomics.load(cells, FLAG) === 1) return true;
    const deadline = deadlineAfter(ms);
    for (;;) {
      if (Atomics.load(cells, SETS) !== sets) return true;
      const left = remaining(deadline);
      if (left <= 0) return false;
      yield { cells, index: SETS, value: sets, ms: left };
    }
  }

  /** Blocks this thread until the flag is set or `timeout` seconds pass; true unless it timed out. */
  waitSync(timeout?: number): boolean {
    return runSync(this.#wait(timeoutMs('timeout', timeout)));
  }

  /** Waits without blocking the event loop; resolves true unless it timed out. */
  wait(timeout?: number): Promise<boolean> {
    return runAsync(this.#wait(timeoutMs('timeout', timeout)));
  }

  /** @internal */
  [SHARE](): SharedForm {
    return { kind: 'Event', id: this.#id, data: { buffer: this.#cells.buffer } };
  }

  toString(): string {
    return `<Event ${this.isSet() ? 'set' : 'unset'}>`;
  }
}

registerShareable('Event', Event);
