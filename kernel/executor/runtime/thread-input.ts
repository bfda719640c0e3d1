/**
 * Preloaded into every thread of the executor that loom starts (after
 * thread-output.ts): input() there asks the frontend on behalf of the cell the
 * thread works for, as a cell's input() does, blocking only this thread, so
 * the cell's main code may busy-wait meanwhile (the chapter's InputReader).
 * KeyboardInterrupt and StdinNotImplementedError are globals there, as in cells.
 */
import { askLine } from './ask-line.js';
import { KeyboardInterrupt, StdinNotImplementedError } from './errors.js';
import type { InputOptions } from './input.js';
import { threadCell } from './thread-output.js';
import { sendFrameNow } from './worker-frames.js';

/**
 * How long an interrupted input() waits before it throws. The kernel sends
 * SIGINT right after telling the asker: the cell's own code (often a loop
 * waiting for this thread) is stopped first, and the cell reports the
 * interrupt rather than ending normally because the thread it waited for ended.
 */
const INTERRUPT_DELAY_MS = 200;

function threadInput(prompt = '', options: InputOptions = {}): string {
  const cell = threadCell();
  if (cell === undefined) throw new StdinNotImplementedError();
  try {
    return askLine(cell, String(prompt), options.password === true, sendFrameNow);
  } catch (error) {
    if (error instanceof KeyboardInterrupt) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, INTERRUPT_DELAY_MS);
    throw error;
  }
}

Object.assign(globalThis, { input: threadInput, KeyboardInterrupt, StdinNotImplementedError });
