/**
 * Whose turn it is to ask the frontend for a line. The kernel holds one
 * question open at a time and fd 6 carries the answers of all, so the
 * executor's threads take turns: a lock in shared memory (environment data,
 * so every thread the executor starts finds it), held from the question to
 * its answer. A second thread asking waits its turn.
 *
 * A thread terminated while it held the turn never gives it back; its
 * holder bumps a counter as it polls for the answer, and a holder whose
 * counter has not moved for ABANDONED_MS is taken to be gone.
 */
import { getEnvironmentData, setEnvironmentData, threadId } from 'node:worker_threads';

/** Environment data: the lock, there once fd 6 is non-blocking. */
const TURN_KEY = 'loom:input-turn';
/** Cells of the lock: who holds it (threadId + 1, 0: nobody), and a counter its holder bumps as it polls. */
const HOLDER = 0;
const BEAT = 1;
/** A holder that has not polled for this long is gone (its thread was terminated while it waited): its turn is taken over. */
const ABANDONED_MS = 2000;
/** How often a waiter without a blocking wait (a hub) looks again. */
const RETRY_MS = 10;

/** Creates the lock; the main thread calls it once, before any thread starts. */
export function createTurns(): void {
  setEnvironmentData(TURN_KEY, new SharedArrayBuffer(8));
}

export interface Turn {
  beat(): void;
  release(): void;
}

let cells: Int32Array | undefined;

/** The lock's cells; undefined when fd 6 was not made non-blocking (not started by the kernel). */
export function turnCells(): Int32Array | undefined {
  if (cells) return cells;
  const shared = getEnvironmentData(TURN_KEY) as SharedArrayBuffer | undefined;
  cells = shared === undefined ? undefined : new Int32Array(shared);
  return cells;
}

const NO_TURN: Turn = { beat: () => {}, release: () => {} };

/** Tells a holder that is alive (its counter moves) from one that is gone. */
class HolderWatch {
  private holder = 0;
  private beat = -1;
  private since = Date.now();

  constructor(private readonly turn: Int32Array) {}

  /** True when `holder` has held the turn without polling for ABANDONED_MS. */
  abandoned(holder: number): boolean {
    const beat = Atomics.load(this.turn, BEAT);
    if (holder !== this.holder || beat !== this.beat) {
      this.holder = holder;
      this.beat = beat;
      this.since = Date.now();
      return false;
    }
    return Date.now() - this.since > ABANDONED_MS;
  }
}

/** One attempt: the turn is ours (true), or the holder to wait for. */
function tryTake(turn: Int32Array, me: number, watch: HolderWatch): true | number {
  const holder = Atomics.compareExchange(turn, HOLDER, 0, me);
  // Held by this very thread: an interrupt (breakOnSigint) ended its input() without running `finally`.
  if (holder === 0 || holder === me) return true;
  if (watch.abandoned(holder) && Atomics.compareExchange(turn, HOLDER, holder, me) === holder) return true;
  return holder;
}

function turnOf(turn: Int32Array, me: number): Turn {
  return {
    beat: () => void Atomics.add(turn, BEAT, 1),
    release: () => {
      Atomics.compareExchange(turn, HOLDER, me, 0);
      Atomics.notify(turn, HOLDER);
    },
  };
}

export function takeTurn(): Turn {
  const turn = turnCells();
  if (turn === undefined) return NO_TURN;
  const me = threadId + 1;
  const watch = new HolderWatch(turn);
  for (;;) {
    const holder = tryTake(turn, me, watch);
    if (holder === true) return turnOf(turn, me);
    Atomics.wait(turn, HOLDER, holder, 100);
  }
}

/** The async askers of this thread, in line: the lock cannot tell them apart (they share the thread's id). */
let lineInThisThread: Promise<void> = Promise.resolve();

/** takeTurn for a thread whose event loop must go on (a hub asking for several children): polled with timers. */
export async function takeTurnAsync(): Promise<Turn> {
  const ahead = lineInThisThread;
  let leave!: () => void;
  lineInThisThread = new Promise((resolve) => (leave = resolve));
  await ahead;
  const turn = turnCells();
  if (turn === undefined) return { beat: () => {}, release: leave };
  const me = threadId + 1;
  const watch = new HolderWatch(turn);
  while (tryTake(turn, me, watch) !== true) await delay(RETRY_MS);
  const taken = turnOf(turn, me);
  return {
    beat: taken.beat,
    release: () => {
      taken.release();
      leave();
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
