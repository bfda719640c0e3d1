/**
 * Asking the frontend for a line, from any thread of the executor: the main
 * thread (a cell's input(), input.ts), a thread a cell started
 * (thread-input.ts), a hub thread on behalf of a child process
 * (process-output.ts, without blocking its event loop).
 *
 * The kernel holds one question open at a time and fd 5 carries the answers
 * of all, so askers take turns: a lock in shared memory (environment data),
 * held from the question to its answer. A second thread asking waits its turn.
 *
 * fd 5 is non-blocking (see prepareInput), for one reason: before asking,
 * the asker throws away whatever is already there. A reply that was sent for
 * an earlier request (an `input_interrupted` that arrived after its cell had
 * already been stopped by SIGINT) must not answer this one.
 */
import { readSync } from 'node:fs';
import { Socket } from 'node:net';
import { getEnvironmentData, setEnvironmentData, threadId } from 'node:worker_threads';
import { INPUT_FD, type InputReply, type InputRequestFrame } from '../messages.js';
import { KeyboardInterrupt, StdinNotImplementedError } from './errors.js';

/** Environment data: the turn lock, there once fd 5 is non-blocking. */
const TURN_KEY = 'loom:input-turn';
/** Cells of the turn lock: who holds it (threadId + 1, 0: nobody), and a counter its holder bumps as it polls. */
const HOLDER = 0;
const BEAT = 1;
/** A holder that has not polled for this long is gone (its thread was terminated while it waited): its turn is taken over. */
const ABANDONED_MS = 2000;
/** How often an asker looks at fd 5 (a person is typing). */
const POLL_MS = 10;

/** Bytes read from fd 5 that are not a whole line yet (this thread's). */
let pending = Buffer.alloc(0);
const chunk = Buffer.alloc(4096);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Holds fd 5 open in non-blocking mode; never reads (readable: false). */
let holder: Socket | undefined;

/** Call once in the main thread at start-up, before any thread starts. Without it asking still works, but cannot drop stale replies. */
export function prepareInput(): void {
  try {
    // Opening the fd as a libuv pipe is how Node sets O_NONBLOCK on it (for every thread: it is the file's flag).
    holder = new Socket({ fd: INPUT_FD, readable: false, writable: false });
    holder.unref();
  } catch {
    return; // not started by the kernel (no fd 5): asking will report the closed channel
  }
  setEnvironmentData(TURN_KEY, new SharedArrayBuffer(8));
}

/**
 * Asks the frontend for a line on behalf of cell `parent`, blocking this
 * thread until it comes (after the askers ahead of it). Throws
 * KeyboardInterrupt when the cell is interrupted meanwhile, and
 * StdinNotImplementedError when the frontend cannot answer.
 */
export function askLine(parent: string, prompt: string, password: boolean, send: (frame: InputRequestFrame) => void): string {
  const turn = takeTurn();
  try {
    discardStaleReplies();
    send({ type: 'input_request', parent, prompt, password });
    for (;;) {
      const line = nextLine();
      if (line === undefined) {
        turn.beat();
        Atomics.wait(sleeper, 0, 0, POLL_MS);
        continue;
      }
      const answer = answerOf(line);
      if (answer !== undefined) return answer;
    }
  } finally {
    turn.release();
  }
}

/** askLine for a thread whose event loop must go on meanwhile (a hub): the same turns, polled with timers. */
export async function askLineAsync(parent: string, prompt: string, password: boolean, send: (frame: InputRequestFrame) => void): Promise<string> {
  const turn = await takeTurnAsync();
  try {
    discardStaleReplies();
    send({ type: 'input_request', parent, prompt, password });
    for (;;) {
      const line = nextLine();
      if (line === undefined) {
        turn.beat();
        await delay(POLL_MS);
        continue;
      }
      const answer = answerOf(line);
      if (answer !== undefined) return answer;
    }
  } finally {
    turn.release();
  }
}

/** The answer in a reply line; throws for an interrupt or no frontend; undefined for a line that is no reply. */
function answerOf(line: string): string | undefined {
  let reply: InputReply;
  try {
    reply = JSON.parse(line) as InputReply;
  } catch {
    return undefined;
  }
  if (reply.type === 'input_reply') return String(reply.value);
  if (reply.type === 'input_interrupted') throw new KeyboardInterrupt();
  if (reply.type === 'input_unavailable') throw new StdinNotImplementedError();
  return undefined;
}

// ---------------------------------------------------------------- turns

interface Turn {
  beat(): void;
  release(): void;
}

let turnCells: Int32Array | undefined;

function cells(): Int32Array | undefined {
  if (turnCells) return turnCells;
  const shared = getEnvironmentData(TURN_KEY) as SharedArrayBuffer | undefined;
  turnCells = shared === undefined ? undefined : new Int32Array(shared);
  return turnCells;
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

function takeTurn(): Turn {
  const turn = cells();
  if (turn === undefined) return NO_TURN;
  const me = threadId + 1;
  const watch = new HolderWatch(turn);
  for (;;) {
    const holder = tryTake(turn, me, watch);
    if (holder === true) return turnOf(turn, me);
    Atomics.wait(turn, HOLDER, holder, 100);
  }
}

async function takeTurnAsync(): Promise<Turn> {
  const turn = cells();
  if (turn === undefined) return NO_TURN;
  const me = threadId + 1;
  const watch = new HolderWatch(turn);
  for (;;) {
    if (tryTake(turn, me, watch) === true) return turnOf(turn, me);
    await delay(POLL_MS);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------- fd 5

function discardStaleReplies(): void {
  if (cells() !== undefined) while (readChunk() > 0);
  pending = Buffer.alloc(0);
}

/** The next whole line from fd 5, or undefined when none is there yet. */
function nextLine(): string | undefined {
  for (;;) {
    const newline = pending.indexOf(10);
    if (newline >= 0) {
      const line = pending.subarray(0, newline).toString('utf8');
      pending = pending.subarray(newline + 1);
      return line;
    }
    const count = readChunk();
    if (count < 0) return undefined;
    if (count === 0) throw new Error('input() failed: the kernel closed the input channel');
  }
}

/** Reads what is there into `pending`: the byte count, 0 at end of file, -1 when nothing is there yet. */
function readChunk(): number {
  let count: number;
  try {
    count = readSync(INPUT_FD, chunk, 0, chunk.length, null);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN' || code === 'EINTR') return -1;
    throw error;
  }
  pending = Buffer.concat([pending, chunk.subarray(0, count)]);
  return count;
}
