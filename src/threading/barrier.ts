/**
 * threading.Barrier: `parties` threads wait until all have arrived, then all
 * go on. A port of CPython's Barrier (filling, draining, resetting, broken
 * states) onto a shared Condition, so any thread holding it takes part.
 */
import { BrokenBarrierError } from '../errors.js';
import { adopt, registerShareable, remember, revive, SHARE, type Shareable, type SharedForm } from '../internal/share/registry.js';
import type { ShippedCode } from '../internal/ship/shipped.js';
import { optionsObject, timeoutMs, typeError, valueError } from '../internal/validate.js';
import { deadlineAfter, remaining, runAsync, runSync, type Waiting } from '../internal/wait.js';
import { lazy } from '../internal/lazy.js';
import { Condition, CONDITION_STEPS } from './condition.js';
import { CONDITION_LOCK } from './condition-lock.js';
import { Lock } from './lock.js';

/** Only a barrier with an action ships and revives code: the others need no parser. */
const ship = lazy<typeof import('../internal/ship/ship.js')>(() => require('../internal/ship/ship.js'));
const reviveCode = lazy<typeof import('../internal/ship/revive-code.js')>(() => require('../internal/ship/revive-code.js'));

const STATE = 0;
const COUNT = 1;
const FILLING = 0;
const DRAINING = 1;
const RESETTING = -1;
const BROKEN = -2;

export interface BarrierOptions {
  /** Called by one of the threads (the last to arrive) before all are released; sent to other threads by source. */
  action?: () => unknown;
  /** Default timeout in seconds for `wait`; undefined waits forever. */
  timeout?: number;
}

interface BarrierData {
  buffer: SharedArrayBuffer;
  cond: SharedForm;
  parties: number;
  timeoutMs: number;
  action?: ShippedCode;
}

/**
 * A barrier for a fixed number of threads, like Python's
 * `threading.Barrier(parties, action, timeout)`. `wait()` returns an index
 * 0..parties-1, different for each thread; abort(), reset() and a timed-out
 * wait break it and waiting threads get BrokenBarrierError.
 */
export class Barrier implements Shareable {
  readonly #cells: Int32Array;
  readonly #id: number;
  readonly #cond: Condition;
  readonly #parties: number;
  readonly #timeoutMs: number;
  #action: (() => unknown) | undefined;
  #shipped: ShippedCode | undefined;

  constructor(parties: number, options?: BarrierOptions) {
    const { id, data } = adopt<BarrierData>();
    this.#id = id;
    if (data) {
      this.#cells = new Int32Array(data.buffer);
      this.#cond = revive(data.cond) as Condition;
      this.#parties = data.parties;
      this.#timeoutMs = data.timeoutMs;
      this.#shipped = data.action;
    } else {
      if (typeof parties !== 'number' || !Number.isInteger(parties) || parties < 1) throw valueError('parties', 'a positive integer', parties);
      const { action, timeout } = optionsObject<BarrierOptions>('options', options);
      if (action !== undefined && typeof action !== 'function') throw typeError('action', 'a function', action);
      this.#cells = new Int32Array(new SharedArrayBuffer(8));
      this.#cond = new Condition(new Lock());
      this.#parties = parties;
      this.#timeoutMs = timeoutMs('timeout', timeout);
      this.#action = action;
    }
    remember(id, this);
  }

  /** The number of threads required to pass the barrier. */
  get parties(): number {
    return this.#parties;
  }
  /** The number of threads waiting now. */
  get nWaiting(): number {
    return Atomics.load(this.#cells, STATE) === FILLING ? Atomics.load(this.#cells, COUNT) : 0;
  }
  /** True when the barrier is broken. */
  get broken(): boolean {
    return Atomics.load(this.#cells, STATE) === BROKEN;
  }

  *#wait(ms: number): Waiting<number> {
    const cells = this.#cells;
    const { lock, wait } = this.#cond[CONDITION_STEPS];
    yield* lock[CONDITION_LOCK].acquireRestore(1);
    try {
      while (cells[STATE] === RESETTING || cells[STATE] === DRAINING) yield* wait(Infinity);
      if (cells[STATE] < 0) throw new BrokenBarrierError();
      const index = cells[COUNT]++;
      try {
        if (index + 1 === this.#parties) this.#release();
        else yield* this.#waitForRelease(wait, ms);
        return index;
      } finally {
        cells[COUNT]--;
        if (cells[COUNT] === 0 && (cells[STATE] === RESETTING || cells[STATE] === DRAINING)) {
          cells[STATE] = FILLING;
          this.#cond.notifyAll();
        }
      }
    } finally {
      lock.release();
    }
  }

  #release(): void {
    try {
      this.#actionFunction()?.();
      this.#cells[STATE] = DRAINING;
      this.#cond.notifyAll();
    } catch (error) {
      this.#break();
      throw error;
    }
  }

  *#waitForRelease(wait: (ms: number) => Waiting<boolean>, ms: number): Waiting<void> {
    const deadline = deadlineAfter(ms);
    while (this.#cells[STATE] === FILLING) {
      const left = remaining(deadline);
      if (left <= 0) {
        this.#break();
        throw new BrokenBarrierError('the barrier wait timed out, which broke the barrier');
      }
      yield* wait(left);
    }
    if (this.#cells[STATE] < 0) throw new BrokenBarrierError();
  }

  #break(): void {
    this.#cells[STATE] = BROKEN;
    this.#cond.notifyAll();
  }

  #actionFunction(): (() => unknown) | undefined {
    if (!this.#action && this.#shipped) {
      this.#action = reviveCode().reviveCode<() => unknown>(this.#shipped);
    }
    return this.#action;
  }

  /** Waits for all parties, blocking this thread; returns this thread's arrival index. `timeout` (seconds) overrides the barrier's. */
  waitSync(timeout?: number): number {
    return runSync(this.#wait(timeout === undefined ? this.#timeoutMs : timeoutMs('timeout', timeout)));
  }
  /** Like waitSync without blocking the event loop. */
  wait(timeout?: number): Promise<number> {
    return runAsync(this.#wait(timeout === undefined ? this.#timeoutMs : timeoutMs('timeout', timeout)));
  }

  /** Returns the barrier to its empty state; threads waiting now get BrokenBarrierError. */
  reset(): void {
    using _ = this.#cond.holdSync();
    const cells = this.#cells;
    if (cells[COUNT] > 0) {
      if (cells[STATE] === FILLING || cells[STATE] === BROKEN) cells[STATE] = RESETTING;
    } else {
      cells[STATE] = FILLING;
    }
    this.#cond.notifyAll();
  }

  /** Breaks the barrier: current and future waits throw BrokenBarrierError until reset(). */
  abort(): void {
    using _ = this.#cond.holdSync();
    this.#break();
  }

  /** @internal */
  [SHARE](): SharedForm {
    if (this.#action && !this.#shipped) {
      this.#shipped = ship().shipFunction(this.#action, 'Barrier action');
    }
    const data: BarrierData = { buffer: this.#cells.buffer as SharedArrayBuffer, cond: this.#cond[SHARE](), parties: this.#parties, timeoutMs: this.#timeoutMs, action: this.#shipped };
    return { kind: 'Barrier', id: this.#id, data };
  }
}

registerShareable('Barrier', Barrier as unknown as new () => object);
