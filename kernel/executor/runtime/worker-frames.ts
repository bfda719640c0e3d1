/**
 * Frames from the executor's other threads (threads that cells start, pool
 * threads, hub threads) go into the same shared output buffer as the main
 * thread's (channel.ts made it and handed it over as environment data), so
 * the flusher thread sends them, in order with everything else, even while
 * the main thread busy-loops.
 */
import { getEnvironmentData } from 'node:worker_threads';
import type { FromExecutor } from '../messages.js';
import { OutputBuffer } from './output-buffer.js';
import { OUTPUT_BUFFER_KEY, streamPrefix } from './stream-prefix.js';

const shared = getEnvironmentData(OUTPUT_BUFFER_KEY) as SharedArrayBuffer | undefined;

/** This thread's view of the buffer; undefined outside the executor. */
export const sharedOutput: OutputBuffer | undefined = shared === undefined ? undefined : new OutputBuffer(shared);

let lastPrefix = { parent: '', name: '', text: '' };

/** Stream text for a cell; it joins the frame before it when that is the same cell's same stream. */
export function sendStream(parent: string, name: 'stdout' | 'stderr', text: string): void {
  if (sharedOutput === undefined || text === '') return;
  if (lastPrefix.parent !== parent || lastPrefix.name !== name) lastPrefix = { parent, name, text: streamPrefix(parent, name) };
  sharedOutput.appendStream(lastPrefix.text, JSON.stringify(text).slice(1, -1));
}

/** Any other frame, sent at once (an input request must not wait for the flusher). */
export function sendFrameNow(frame: FromExecutor): void {
  if (sharedOutput === undefined) throw new Error('loom: this thread has no output channel to the kernel');
  sharedOutput.appendText(`${JSON.stringify(frame)}\n`);
  sharedOutput.flush();
}
