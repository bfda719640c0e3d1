/** threading.Event (and multiprocessing.Event): a flag in shared memory that threads and processes wait on. */
import { blocking, isRemoteData, msArg, Remote, servedForm, unknownOp, type RemoteData } from '../internal/hub/served-object.js';
import { adopt, registerShareable, remember, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { SERVE, type Caller, type Served } from '../internal/share/served.js';
import { runForCaller } from '../internal/share/served-wait.js';
import { timeoutMs } from '../internal/validate.js';
import { deadlineAfter, remaining, runAsync, runSync, type Waiting } from '../internal/wait.js';

const FLAG = 0;
/** Bumped by each set(), so a waiter knows it was woken by a set even if clear() came right after (Python returns True then). */
const SETS = 1;

/**
 * A flag, like Python's `threading.Event` and `multiprocessing.Event`:
 * `set()` wakes every waiter, `wait()` returns at once while it is set.
 * Sent to a child process, a set there wakes the parent's waiters and back:
 * `set()` and `clear()` need no answer, `isSet()` and `wait()` are round
 * trips to the parent (the Promise form blocks the child's main thread).
 */
export class Event implements Shareable, Served {
  readonly #cells: Int32Array;
  readonly #id: number;
  /** In a child process: the event of the process that made it. */
  readonly #remote: Remote | undefined;

  constructor() {
    const { id, data } = adopt<{ buffer: SharedArrayBuffer } | RemoteData>();
    this.#id = id;
    if (isRemoteData(data)) {
      this.#remote = new Remote(data.remote);
      this.#cells = new Int32Array(0);
    } else {
      this.#cells = new Int32Array(data?.buffer ?? new SharedArrayBuffer(8));
    }
    if (id !== 0) remember(id, this);
  }

  /** Whether the flag is set now (a read of shared memory, true at once; in a child, asked of the parent). */
  isSet(): boolean {
    return this.#remote ? this.#remote.call<boolean>('isSet') : Atomics.load(this.#cells, FLAG) === 1;
  }

  /** Sets the flag and wakes every thread and process waiting for it. */
  set(): void {
    if (this.#remote) return this.#remote.post('set');
    if (Atomics.exchange(this.#cells, FLAG, 1) === 0) {
      Atomics.add(this.#cells, SETS, 1);
      Atomics.notify(this.#cells, SETS);
    }
  }

  /** Clears the flag; later waits block until the next set(). */
  clear(): void {
    if (this.#remote) return this.#remote.post('clear');
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
    const ms = timeoutMs('timeout', timeout);
    return this.#remote ? this.#remote.call<boolean>('wait', ms) : runSync(this.#wait(ms));
  }

  /** Waits without blocking the event loop (in a child process: blocking); resolves true unless it timed out. */
  wait(timeout?: number): Promise<boolean> {
    const ms = timeoutMs('timeout', timeout);
    return this.#remote ? blocking(() => this.#remote!.call<boolean>('wait', ms)) : runAsync(this.#wait(ms));
  }

  /** @internal A child's operation, run in the hub of the process that made the event. */
  [SERVE](op: string, args: unknown[], caller: Caller): unknown {
    switch (op) {
      case 'isSet': return this.isSet();
      case 'set': return this.set();
      case 'clear': return this.clear();
      case 'wait': return runForCaller(this.#wait(msArg(args[0])), caller);
      default: throw unknownOp('Event', op);
    }
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    return servedForm(this, 'Event', this.#id, target, this.#remote, () => ({ buffer: this.#cells.buffer }));
  }

  toString(): string {
    return `<Event ${this.isSet() ? 'set' : 'unset'}>`;
  }
}

registerShareable('Event', Event);
