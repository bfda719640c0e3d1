/**
 * Preloaded into every thread a cell starts (loom's hooks.threadPreload): the
 * thread's console output goes into the executor's shared output buffer as
 * stream frames of the cell that started it, so it shows up in that cell, live,
 * even while the cell's own code busy-loops.
 */
import { getEnvironmentData } from 'node:worker_threads';
import { OutputBuffer } from './output-buffer.js';
import { CELL_KEY, OUTPUT_BUFFER_KEY, streamPrefix } from './stream-prefix.js';

const shared = getEnvironmentData(OUTPUT_BUFFER_KEY) as SharedArrayBuffer | undefined;
const parent = getEnvironmentData(CELL_KEY) as string | undefined;

if (shared !== undefined && parent !== undefined) {
  const buffer = new OutputBuffer(shared);
  for (const name of ['stdout', 'stderr'] as const) {
    const prefix = streamPrefix(parent, name);
    process[name].write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text !== '') buffer.appendStream(prefix, JSON.stringify(text).slice(1, -1));
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    }) as typeof process.stdout.write;
  }
}
