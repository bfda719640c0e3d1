/**
 * Frames to the kernel on fd 5 (FRAMES_FD): one JSON object per line. They go through the
 * shared output buffer (output-buffer.ts): stream text is sent a few
 * milliseconds later by the flusher thread, even while the main thread is busy;
 * any other frame flushes at once, so a cell's output always precedes its `done`.
 *
 * Stream text is appended in pieces of at most FRAME_BYTES; the buffer merges
 * consecutive pieces of the same cell and stream into frames of up to 64 KiB.
 */
import { join } from 'node:path';
import { setEnvironmentData, Worker } from 'node:worker_threads';
import { type FromExecutor, type StreamFrame } from '../messages.js';
import { interruptible } from './context.js';
import { OutputBuffer } from './output-buffer.js';
import { OUTPUT_BUFFER_KEY, streamPrefix } from './stream-prefix.js';

export const FRAME_BYTES = 4000;

/** A private cell to Atomics.wait on: a sleep that does not spin the CPU. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export function pause(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

let output: OutputBuffer | undefined;

/** The buffer of this process, with its flusher thread started on first use. */
function outputBuffer(): OutputBuffer {
  if (output) return output;
  output = new OutputBuffer(undefined, interruptible);
  // Threads that cells start write into the same buffer (see thread-output.ts).
  setEnvironmentData(OUTPUT_BUFFER_KEY, output.shared);
  new Worker(join(__dirname, 'output-flusher.js'), { workerData: { shared: output.shared }, name: 'loom output flusher' }).unref();
  // Whatever is queued when the process ends (process.exit in a cell) still reaches the kernel.
  process.on('exit', () => output?.flush());
  return output;
}

let lastPrefix = { parent: '', name: '', text: '' };

/** The frame prefix for this cell and stream, built once per run of writes. */
function prefixOf(frame: StreamFrame): string {
  if (lastPrefix.parent !== frame.parent || lastPrefix.name !== frame.name) {
    lastPrefix = { parent: frame.parent, name: frame.name, text: streamPrefix(frame.parent, frame.name) };
  }
  return lastPrefix.text;
}

/** A pool thread that exited (terminated by an interrupt) may have held the output buffer's lock: free it (loom's threadHooks.threadExited). */
export function releaseOutputLocksOf(threadId: number): void {
  outputBuffer().releaseLocksOf(threadId);
}

export function sendFrame(frame: FromExecutor): void {
  const buffer = outputBuffer();
  if (frame.type === 'stream') {
    for (const piece of splitStream(frame)) buffer.appendStream(prefixOf(piece), JSON.stringify(piece.text).slice(1, -1));
  } else {
    buffer.appendText(`${JSON.stringify(frame)}\n`);
    // Inside a cell's script an interrupt could cut this thread's write short: the flusher writes.
    if (interruptible()) buffer.flushSoon();
    else buffer.flush();
  }
}

/** Cuts a stream frame so that each piece, as a JSON line, fits in FRAME_BYTES. */
export function splitStream(frame: StreamFrame): StreamFrame[] {
  // The common case, a line or so of text, fits whatever it contains (6 bytes a character at most).
  if (frame.text.length * 6 + 200 + frame.parent.length <= FRAME_BYTES) return [frame];
  const budget = Math.max(FRAME_BYTES - Buffer.byteLength(JSON.stringify({ ...frame, text: '' })) - 1, 16);
  if (frame.text.length * 6 <= budget) return [frame];
  const pieces: StreamFrame[] = [];
  let start = 0;
  let end = 0;
  let size = 0;
  // Iterate by code point so a surrogate pair is never cut in two.
  for (const char of frame.text) {
    const cost = jsonBytes(char);
    if (size + cost > budget) {
      pieces.push({ ...frame, text: frame.text.slice(start, end) });
      start = end;
      size = 0;
    }
    size += cost;
    end += char.length;
  }
  pieces.push({ ...frame, text: frame.text.slice(start) });
  return pieces;
}

/** Bytes one code point takes inside a JSON string, as JSON.stringify writes it in UTF-8. */
function jsonBytes(char: string): number {
  const code = char.codePointAt(0)!;
  if (code === 0x22 || code === 0x5c) return 2; // \" and \\
  if (code < 0x20) return code === 8 || code === 9 || code === 10 || code === 12 || code === 13 ? 2 : 6;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdfff) return 6; // a lone surrogate is written as \udxxx
  return code < 0x10000 ? 3 : 4;
}
