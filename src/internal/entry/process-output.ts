/**
 * Where a loom child process's console output goes: the one place that
 * decides.
 *
 * A child started without an output tag (by a plain script) inherits the
 * parent's fds 1 and 2 and writes there, live, even while the parent
 * busy-loops (Node writes to pipes and files synchronously on Linux).
 *
 * A child started with one (hooks.outputTag answered in the parent: the
 * kernel names the cell) sends each write as an OUTPUT frame to its hub
 * instead, tagged with the work it runs now: its Process, or the pool task it
 * is running. The frames go through the outbox (hub/outbox.ts), so the
 * child's helper thread writes them out in batches even while the child's
 * main thread busy-loops, and in order with the results that follow them.
 */
import { StringDecoder } from 'node:string_decoder';
import { hooks } from '../hooks.js';
import { frameHead, type SyncChannel } from '../hub/frames.js';
import { F, FRAME_HEAD } from '../hub/protocol.js';

let current: string | undefined;
let currentBytes = Buffer.alloc(0);

/** The tag of the work this child runs now; undefined when its output is not routed. */
export function outputTagOfChild(): string | undefined {
  return current;
}

/** A pool worker starts a task: its output belongs where the task was submitted. */
export function enterChildTag(tag: string | undefined): void {
  if (tag === undefined || current === undefined || tag === current) return;
  current = tag;
  currentBytes = Buffer.from(tag, 'utf8');
}

function outputFrame(stream: 1 | 2, text: string): Buffer {
  const size = Buffer.byteLength(text, 'utf8');
  const out = frameHead(F.OUTPUT, stream, currentBytes.length, currentBytes.length + size);
  currentBytes.copy(out, FRAME_HEAD);
  out.write(text, FRAME_HEAD + currentBytes.length, 'utf8');
  return out;
}

type WriteCallback = (error?: Error | null) => void;

export function routeChildOutput(channel: SyncChannel, tag: string | undefined): void {
  if (tag === undefined) return; // inherited fds 1 and 2: nothing to do
  current = tag;
  currentBytes = Buffer.from(tag, 'utf8');
  // Work this child starts (its own processes and pools) belongs where its own work does.
  hooks.outputTag = () => current;
  for (const [stream, number] of [[process.stdout, 1], [process.stderr, 2]] as const) {
    // Bytes may end inside a UTF-8 sequence: the rest comes with the next write, and frames carry whole characters.
    const decoder = new StringDecoder('utf8');
    stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean => {
      const done = typeof encoding === 'function' ? encoding : callback;
      const text = typeof chunk === 'string' && (typeof encoding !== 'string' || encoding === 'utf8' || encoding === 'utf-8')
        ? chunk
        : decoder.write(typeof chunk === 'string' ? Buffer.from(chunk, encoding as BufferEncoding) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (text !== '') channel.post(outputFrame(number, text));
      if (done) process.nextTick(done);
      return true;
    }) as typeof stream.write;
  }
}
