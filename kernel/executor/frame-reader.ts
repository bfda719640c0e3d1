import type { Readable } from 'node:stream';
import { log } from '../log.js';
import type { FromExecutor } from './messages.js';

/** Splits the executor's frame pipe into lines and parses each as one frame. */
export function readFrames(stream: Readable, onFrame: (frame: FromExecutor) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') continue;
      let frame: FromExecutor;
      try {
        frame = JSON.parse(line) as FromExecutor;
      } catch {
        log.warn(`executor sent a line that is not JSON (${line.length} chars); ignored`);
        continue;
      }
      onFrame(frame);
    }
  });
}
