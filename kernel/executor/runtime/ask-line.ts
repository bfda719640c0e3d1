/**
 * Asking the frontend for a line, from any thread of the executor: the main
 * thread (a cell's input(), input.ts), a thread a cell started
 * (thread-input.ts), a hub thread on behalf of a child process
 * (process-output.ts, without blocking its event loop).
 *
 * Askers take turns (input-turn.ts): one question is open at a time.
 *
 * fd 6 is non-blocking (see prepareInput), for one reason: before asking,
 * the asker throws away whatever is already there. A reply that was sent for
 * an earlier request (an `input_interrupted` that arrived after its cell had
 * already been stopped by SIGINT) must not answer this one.
 */
import { readSync } from 'node:fs';
import { Socket } from 'node:net';
import { INPUT_FD, type InputReply, type InputRequestFrame } from '../messages.js';
import { KeyboardInterrupt, StdinNotImplementedError } from './errors.js';
import { runAsync, runSync, type Waiting } from '../../../src/host/index.js';
import { createTurns, takeTurn, takeTurnAsync, turnCells, type Turn } from './input-turn.js';

/** How often an asker looks at fd 6 (a person is typing). */
const POLL_MS = 10;

/** Bytes read from fd 6 that are not a whole line yet (this thread's). */
let pending = Buffer.alloc(0);
const chunk = Buffer.alloc(4096);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Holds fd 6 open in non-blocking mode; never reads (readable: false). */
let holder: Socket | undefined;

/** Call once in the main thread at start-up, before any thread starts. Without it asking still works, but cannot drop stale replies. */
export function prepareInput(): void {
  try {
    // Opening the fd as a libuv pipe is how Node sets O_NONBLOCK on it (for every thread: it is the file's flag).
    holder = new Socket({ fd: INPUT_FD, readable: false, writable: false });
    holder.unref();
  } catch {
    return; // not started by the kernel (no fd 6): asking will report the closed channel
  }
  createTurns();
}

/**
 * Asks the frontend for a line on behalf of cell `parent`, blocking this
 * thread until it comes (after the askers ahead of it). Throws
 * KeyboardInterrupt when the cell is interrupted meanwhile, and
 * StdinNotImplementedError when the frontend cannot answer.
 */
export function askLine(parent: string, prompt: string, password: boolean, send: (frame: InputRequestFrame) => void): string {
  return runSync(asking(takeTurn(), { type: 'input_request', parent, prompt, password }, send));
}

/** askLine for a thread whose event loop must go on meanwhile (a hub): the same turns and polling, awaited. */
export async function askLineAsync(parent: string, prompt: string, password: boolean, send: (frame: InputRequestFrame) => void): Promise<string> {
  return runAsync(asking(await takeTurnAsync(), { type: 'input_request', parent, prompt, password }, send));
}

/** Both askers, once (loom/host's runSync or runAsync runs it blocking or awaited): ask, then poll fd 6 until a reply answers. */
function* asking(turn: Turn, request: InputRequestFrame, send: (frame: InputRequestFrame) => void): Waiting<string> {
  try {
    discardStaleReplies();
    send(request);
    for (;;) {
      const line = nextLine();
      if (line === undefined) {
        turn.beat();
        yield { cells: sleeper, index: 0, value: 0, ms: POLL_MS };
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

// ---------------------------------------------------------------- fd 6

function discardStaleReplies(): void {
  if (turnCells() !== undefined) while (readChunk() > 0);
  pending = Buffer.alloc(0);
}

/** The next whole line from fd 6, or undefined when none is there yet. */
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
