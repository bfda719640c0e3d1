/**
 * threading.Barrier: `parties` threads wait until all have arrived, then all
 * go on. A port of CPython's Barrier (filling, draining, resetting, broken
 * states) onto a shared Condition, so any thread holding it takes part.
 */
import { BrokenBarrierError } from '../errors.js';
import { blocking, isRemoteData, msArg, Remote, servedForm, unknownOp, type RemoteData } from '../internal/hub/served-object.js';
import { adopt, registerShareable, remember, revive, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { SERVE, type Served } from '../internal/share/served.js';
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

/** What a child process knows of a Barrier without asking. */
interface BarrierInfo {
  parties: number;
  timeoutMs: number;
}

/**
 * A barrier for a fixed number of threads, like Python's
 * `threading.Barrier(parties, action, timeout)` and `multiprocessing.Barrier`.
 * `wait()` returns an index 0..parties-1, different for each thread; abort(),
 * reset() and a timed-out wait break it and waiting threads get
 * BrokenBarrierError. Child processes given it are parties like threads:
 * each of their calls is a round trip to the parent (the Promise form blocks
 * the child's main thread). When a child arrives last, the action runs in the
 * parent (in the thread that serves that child), not in the child.
 */
export class Barrier implements Shareable, Served {
  readonly #cells: Int32Array;
  readonly #id: number;
  readonly #cond: Condition;
  readonly #parties: number;
  readonly #timeoutMs: number;
  #action: (() => unknown) | undefined;
  #shipped: ShippedCode | undefined;
  /** In a child process: the barrier of the process that made it. */
  readonly #remote: Remote | undefined;

  constructor(parties: number, options?: BarrierOptions) {
    const { id, data } = adopt<BarrierData | RemoteData>();
    this.#id = id;
    if (isRemoteData(data)) {
      const info = data.remote.info as BarrierInfo;
      this.#remote = new Remote(data.remote);
      this.#cells = new Int32Array(0);
      this.#cond = undefined as never;
      this.#parties = info.parties;
      this.#timeoutMs = info.timeoutMs;
    } else if (data) {
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
    if (id !== 0) remember(id, this);
  }

  /** The number of threads required to pass the barrier. */
  get parties(): number {
    return this.#parties;
  }
  /** The number of threads waiting now. */
  get nWaiting(): number {
    if (this.#remote) return this.#remote.call<number>('nWaiting');
    return Atomics.load(this.#cells, STATE) === FILLING ? Atomics.load(this.#cells, COUNT) : 0;
  }
  /** True when the barrier is broken. */
  get broken(): boolean {
    if (this.#remote) return this.#remote.call<boolean>('broken');
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
    const ms = timeout === undefined ? this.#timeoutMs : timeoutMs('timeout', timeout);
    return this.#remote ? this.#remote.call<number>('wait', ms) : runSync(this.#wait(ms));
  }
  /** Like waitSync without blocking the event loop (in a child process: blocking). */
  wait(timeout?: number): Promise<number> {
    const ms = timeout === undefined ? this.#timeoutMs : timeoutMs('timeout', timeout);
    return this.#remote ? blocking(() => this.#remote!.call<number>('wait', ms)) : runAsync(this.#wait(ms));
  }

  /** Returns the barrier to its empty state; threads waiting now get BrokenBarrierError. */
  reset(): void {
    if (this.#remote) return this.#remote.call('reset');
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
    if (this.#remote) return this.#remote.call('abort');
    using _ = this.#cond.holdSync();
    this.#break();
  }

  /**
   * @internal A child's operation, run in the hub of the process that made the
   * barrier. A wait is not stopped when its child exits: the child has
   * arrived, and stays counted until the others arrive (Python's barrier
   * counts a process that died waiting too), or the wait times out.
   */
  [SERVE](op: string, args: unknown[]): unknown {
    switch (op) {
      case 'wait': return runAsync(this.#wait(msArg(args[0])));
      case 'reset': return this.reset();
      case 'abort': return this.abort();
      case 'nWaiting': return this.nWaiting;
      case 'broken': return this.broken;
      default: throw unknownOp('Barrier', op);
    }
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    const info: BarrierInfo = { parties: this.#parties, timeoutMs: this.#timeoutMs };
    return servedForm(this, 'Barrier', this.#id, target, this.#remote, () => {
      if (this.#action && !this.#shipped) {
        this.#shipped = ship().shipFunction(this.#action, 'Barrier action');
      }
      return { buffer: this.#cells.buffer as SharedArrayBuffer, cond: this.#cond[SHARE](), parties: this.#parties, timeoutMs: this.#timeoutMs, action: this.#shipped } satisfies BarrierData;
    }, () => info);
  }
}

registerShareable('Barrier', Barrier as unknown as new () => object);
