/**
 * input(prompt) blocks like Python's: it sends `input_request` and reads the
 * kernel's reply from fd 5 synchronously, so a cell needs no await for it.
 *
 * fd 5 is made non-blocking, for one reason: before asking, input() throws away
 * whatever is already there. A reply that was sent for an earlier request (an
 * `input_interrupted` that arrived after its cell had already been stopped by
 * SIGINT) must not answer this one.
 */
import { readSync } from 'node:fs';
import { Socket } from 'node:net';
import { INPUT_FD, type InputReply } from '../messages.js';
import { pause, sendFrame } from './channel.js';
import { currentCell, interruptible } from './context.js';
import { KeyboardInterrupt, StdinNotImplementedError } from './errors.js';

export interface InputOptions {
  /** Ask the frontend to hide what is typed. */
  password?: boolean;
}

/** Bytes read from fd 5 that are not a whole line yet. */
let pending = Buffer.alloc(0);
/** Holds fd 5 open in non-blocking mode; never reads (readable: false). */
let holder: Socket | undefined;
const chunk = Buffer.alloc(4096);
/** How long input() waits for the SIGINT that follows `input_interrupted`; it normally comes within milliseconds. */
const SIGINT_GRACE_MS = 1000;

/** Call once at start-up. Without it input() still works, but cannot drop stale replies. */
export function prepareInput(): void {
  try {
    // Opening the fd as a libuv pipe is how Node sets O_NONBLOCK on it.
    holder = new Socket({ fd: INPUT_FD, readable: false, writable: false });
    holder.unref();
  } catch {
    holder = undefined; // not started by the kernel (no fd 5): input() will report the closed channel
  }
}

export function input(prompt = '', options: InputOptions = {}): string {
  const cell = currentCell();
  if (!cell?.allowStdin) throw new StdinNotImplementedError();
  discardStaleReplies();
  sendFrame({ type: 'input_request', parent: cell.parent, prompt: String(prompt), password: options.password === true });
  for (;;) {
    const reply = parseReply(readLine());
    if (reply?.type === 'input_reply') return String(reply.value);
    if (reply?.type === 'input_interrupted') interrupted();
    if (reply?.type === 'input_unavailable') throw new StdinNotImplementedError();
  }
}

/**
 * The kernel follows this reply with SIGINT. In synchronous cell code, wait for
 * it: vm's watchdog then stops the cell. Throwing at once would let the script
 * end before the watchdog's thread has taken the signal, and Node (20) then
 * hands that signal to the next script run, interrupting the next cell.
 */
function interrupted(): never {
  if (interruptible()) pause(SIGINT_GRACE_MS);
  throw new KeyboardInterrupt();
}

function parseReply(line: string): InputReply | undefined {
  try {
    return JSON.parse(line) as InputReply;
  } catch {
    return undefined;
  }
}

function discardStaleReplies(): void {
  if (holder !== undefined) while (readChunk() > 0);
  pending = Buffer.alloc(0);
}

function readLine(): string {
  for (;;) {
    const newline = pending.indexOf(10);
    if (newline >= 0) {
      const line = pending.subarray(0, newline).toString('utf8');
      pending = pending.subarray(newline + 1);
      return line;
    }
    const count = readChunk();
    if (count < 0) pause(10); // nothing yet: a person is typing
    else if (count === 0) throw new Error('input() failed: the kernel closed the input channel');
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
