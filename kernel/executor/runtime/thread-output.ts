/**
 * Preloaded into every thread of the executor that loom starts (its
 * threadHooks.threadPreload): threads cells start, pool threads, hub threads, and
 * the threads those start. The thread's console output goes into the
 * executor's shared output buffer as stream frames of the cell it works for,
 * so it shows up in that cell, live, even while the cell's own code
 * busy-loops, and after the cell has ended.
 *
 * The cell it works for: the one that started it (environment data the
 * executor sets as each cell runs, inherited by a thread when it is created);
 * in a pool thread, the cell that submitted the task it runs
 * (outputHooks.enterOutputTag, called before each task). Work this thread starts in
 * turn (threads, processes, pool tasks) belongs to the same cell
 * (outputHooks.outputTag). An error its run() throws is printed at once, to that
 * cell's stderr, as Python does (outputHooks.reportErrorsInWorker).
 */
import { StringDecoder } from 'node:string_decoder';
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';
import { outputHooks } from '../../../src/host/index.js';
import { CELL_KEY } from './stream-prefix.js';
import { sendStream, sharedOutput } from './worker-frames.js';

let cell = getEnvironmentData(CELL_KEY) as string | undefined;

/** The cell this thread works for now (msg_id of its execute_request); undefined outside the executor. */
export function threadCell(): string | undefined {
  return cell;
}

function enterCell(tag: string | undefined): void {
  if (tag === undefined || tag === cell) return;
  cell = tag;
  // Threads this one creates from now on inherit it.
  setEnvironmentData(CELL_KEY, tag);
}

if (sharedOutput !== undefined && cell !== undefined) {
  for (const name of ['stdout', 'stderr'] as const) {
    // Bytes may end inside a UTF-8 sequence: the rest comes with the next write.
    const decoder = new StringDecoder('utf8');
    process[name].write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      sendStream(cell!, name, text);
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    }) as typeof process.stdout.write;
  }
  outputHooks.outputTag = () => cell;
  outputHooks.enterOutputTag = enterCell;
  outputHooks.reportErrorsInWorker = true;
}
import './worker-display.js';
import './worker-modules.js';
