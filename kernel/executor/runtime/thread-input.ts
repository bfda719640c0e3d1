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

function threadInput(prompt = '', options: InputOptions = {}): string {
  const cell = threadCell();
  if (cell === undefined) throw new StdinNotImplementedError();
  return askLine(cell, String(prompt), options.password === true, sendFrameNow);
}

Object.assign(globalThis, { input: threadInput, KeyboardInterrupt, StdinNotImplementedError });
