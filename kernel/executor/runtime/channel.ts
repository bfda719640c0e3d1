/**
 * Frames to the kernel on fd 4: one JSON object per line, written with
 * fs.writeSync so output streams out while the main thread is busy and so a
 * cell's output always precedes its `done`.
 *
 * Any thread of the executor may write here. A write of at most PIPE_BUF
 * (4096) bytes is not split up by the kernel, so stream text is cut into frames
 * of at most FRAME_BYTES each: lines from two threads may alternate, but a line
 * is never broken by another thread's.
 */
import { writeSync } from 'node:fs';
import { FRAMES_FD, type FromExecutor, type StreamFrame } from '../messages.js';

export const FRAME_BYTES = 4000;

/** A private cell to Atomics.wait on: a sleep that does not spin the CPU. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export function pause(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export function sendFrame(frame: FromExecutor): void {
  if (frame.type === 'stream') {
    for (const piece of splitStream(frame)) writeLine(JSON.stringify(piece));
  } else {
    writeLine(JSON.stringify(frame));
  }
}

function writeLine(json: string): void {
  const bytes = Buffer.from(`${json}\n`, 'utf8');
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(FRAMES_FD, bytes, written);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // The kernel is reading slower than we write (a non-blocking fd): wait for room.
      if (code === 'EAGAIN') pause(2);
      // The kernel is gone; the lifeline watchdog is about to kill us.
      else if (code === 'EPIPE') return;
      else throw error;
    }
  }
}

/** Cuts a stream frame so that each piece, as a JSON line, fits in FRAME_BYTES. */
export function splitStream(frame: StreamFrame): StreamFrame[] {
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
