/**
 * Where a loom child process's console output goes: the one place that
 * decides.
 *
 * A child started without an output tag (by a plain script) inherits the
 * parent's fds 1 and 2 and writes there, live, even while the parent
 * busy-loops (Node writes to pipes and files synchronously on Linux).
 *
 * A child started with one (outputHooks.outputTag answered in the parent: the
 * kernel names the cell) sends each write as an OUTPUT frame to its hub
 * instead, tagged with the work it runs now: its Process, or the pool task it
 * is running. The frames go through the outbox (hub/outbox.ts), so the
 * child's helper thread writes them out in batches even while the child's
 * main thread busy-loops, and in order with the results that follow them.
 * The child's own threads and its hub (for the child's children) send theirs
 * the same way: the outbox and the tag reach them as environment data.
 */
import { StringDecoder } from 'node:string_decoder';
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';
import { childIoHooks } from '../internal/host/child-io.js';
import { outputHooks } from '../internal/host/output.js';
import { lazy } from '../internal/lazy.js';
import type { SyncChannel } from '../internal/hub/frames.js';

/**
 * The hub's frame modules, required once output is routed: every loom thread
 * loads this file, and only those in a child whose output is routed need them.
 */
const hub = lazy<typeof import('../internal/hub/frames.js') & typeof import('../internal/hub/protocol.js') & typeof import('../internal/hub/outbox.js')>(() => ({
  ...require('../internal/hub/frames.js'),
  ...require('../internal/hub/protocol.js'),
  ...require('../internal/hub/outbox.js'),
}));

/** Environment data of a child whose output goes to its hub: what its threads need to send theirs. */
const CHILD_OUTPUT_KEY = 'loom:child-output';

interface ChildOutput {
  /** The child's outbox (shared memory; hub/outbox.ts). */
  outbox: SharedArrayBuffer;
  /** The tag of the work the child runs now. */
  tag: string;
}

let current: string | undefined;
let currentBytes = Buffer.alloc(0);
let shared: SharedArrayBuffer | undefined;

/** The tag of the work this child runs now; undefined when its output is not routed. */
export function outputTagOfChild(): string | undefined {
  return current;
}

function setTag(tag: string): void {
  current = tag;
  currentBytes = Buffer.from(tag, 'utf8');
  // Threads this child starts from now on (and its hub) work for the same tag.
  if (shared) setEnvironmentData(CHILD_OUTPUT_KEY, { outbox: shared, tag } satisfies ChildOutput);
}

/** A pool worker starts a task: its output belongs where the task was submitted. */
export function enterChildTag(tag: string | undefined): void {
  if (tag === undefined || current === undefined || tag === current) return;
  setTag(tag);
}

function outputFrame(stream: 1 | 2, tag: Buffer, text: string): Buffer {
  return taggedFrame(hub().F.OUTPUT, stream, tag, text);
}

/** A frame whose body is a tag (its length in b), then UTF-8 text: OUTPUT, DISPLAY. */
function taggedFrame(kind: number, a: number, tag: Buffer, text: string): Buffer {
  const { frameHead, FRAME_HEAD } = hub();
  const size = Buffer.byteLength(text, 'utf8');
  const out = frameHead(kind, a, tag.length, tag.length + size);
  tag.copy(out, FRAME_HEAD);
  out.write(text, FRAME_HEAD + tag.length, 'utf8');
  return out;
}

/** How this thread sends frames to its hub, in order with its output, and the tag of its work now; undefined when not routed. */
let route: { send: (frame: Buffer) => void; tag: () => string } | undefined;

/**
 * Sends `text` to the hub as a tagged frame of `kind` (a host's DISPLAY), in
 * order with this thread's console output; `tag` defaults to the work's now.
 * False when this thread's output is not routed (no host tagged its work).
 */
export function sendTaggedToHub(kind: number, text: string, tag?: string): boolean {
  if (route === undefined) return false;
  route.send(taggedFrame(kind, 0, Buffer.from(tag ?? route.tag(), 'utf8'), text));
  return true;
}

type WriteCallback = (error?: Error | null) => void;

/** Replaces this thread's stdout and stderr writes with `send(stream, text)`. */
function replaceWrites(send: (stream: 1 | 2, text: string) => void): void {
  for (const [stream, number] of [[process.stdout, 1], [process.stderr, 2]] as const) {
    // Bytes may end inside a UTF-8 sequence: the rest comes with the next write, and frames carry whole characters.
    const decoder = new StringDecoder('utf8');
    stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean => {
      const done = typeof encoding === 'function' ? encoding : callback;
      const text = typeof chunk === 'string' && (typeof encoding !== 'string' || encoding === 'utf8' || encoding === 'utf-8')
        ? chunk
        : decoder.write(typeof chunk === 'string' ? Buffer.from(chunk, encoding as BufferEncoding) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (text !== '') send(number, text);
      if (done) process.nextTick(done);
      return true;
    }) as typeof stream.write;
  }
}

/** The child's main thread, once it has its INIT: routes its output when the parent gave it a tag. */
export function routeChildOutput(channel: SyncChannel, tag: string | undefined, outbox: SharedArrayBuffer): void {
  if (tag === undefined) return; // inherited fds 1 and 2: nothing to do
  shared = outbox;
  setTag(tag);
  // Work this child starts (its own processes and pools) belongs where its own work does.
  outputHooks.outputTag = () => current;
  replaceWrites((stream, text) => channel.post(outputFrame(stream, currentBytes, text)));
  route = { send: (frame) => channel.post(frame), tag: () => current! };
}

/**
 * In a thread of a child whose output is routed (a Thread, a pool thread, its
 * hub): this thread's output goes the same way, through the outbox, tagged as
 * the child's work was when the thread started (a pool thread: as each task).
 * The hub passes on the output of the child's own children unchanged.
 * False in any other thread: nothing changes.
 */
export function routeThreadOutputInChild(): boolean {
  const data = getEnvironmentData(CHILD_OUTPUT_KEY) as ChildOutput | undefined;
  if (data === undefined) return false;
  const { Outbox, CONTROL_FD } = hub();
  const box = new Outbox(data.outbox, CONTROL_FD);
  const send = (frame: Buffer): void => {
    if (!box.tryAdd(frame)) box.writeDirect(frame);
  };
  let tag = data.tag;
  let tagBytes = Buffer.from(tag, 'utf8');
  replaceWrites((stream, text) => send(outputFrame(stream, tagBytes, text)));
  outputHooks.outputTag = () => tag;
  outputHooks.enterOutputTag = (next) => {
    if (next === undefined || next === tag) return;
    tag = next;
    tagBytes = Buffer.from(next, 'utf8');
  };
  childIoHooks.childOutput = (childTag, name, text) => send(outputFrame(name === 'stdout' ? 1 : 2, Buffer.from(childTag, 'utf8'), text));
  childIoHooks.childDisplay = (childTag, text) => send(taggedFrame(hub().F.DISPLAY, 0, Buffer.from(childTag, 'utf8'), text));
  route = { send, tag: () => tag };
  return true;
}
