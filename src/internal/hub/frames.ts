/**
 * Frames on the socket between the hub and a child (protocol.ts): building
 * them, splitting a byte stream into them (the hub's side, fed by 'data'
 * events), and reading them with blocking calls (the child's side: its main
 * thread may be inside user code, so it never relies on its event loop).
 */
import { readSync } from 'node:fs';
import type { Outbox } from './outbox.js';
import { FRAME_HEAD } from './protocol.js';
import { sleepMs } from '../write-all.js';

export interface Frame {
  kind: number;
  a: number;
  b: number;
  body: Buffer;
}

const EMPTY = Buffer.alloc(0);

export function frame(kind: number, a = 0, b = 0, body: Uint8Array = EMPTY): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEAD + body.length);
  out.writeUInt32LE(FRAME_HEAD - 4 + body.length, 0);
  out[4] = kind;
  out.writeUInt32LE(a >>> 0, 5);
  out.writeUInt32LE(b >>> 0, 9);
  out.set(body, FRAME_HEAD);
  return out;
}

/**
 * A frame of `bodySize` body bytes with its head written; the caller fills the body from FRAME_HEAD on.
 * `held`: how many body bytes this buffer holds, when the rest follows in buffers of its own (writeParts).
 */
export function frameHead(kind: number, a: number, b: number, bodySize: number, held = bodySize): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEAD + held);
  writeHead(out, kind, a, b, bodySize);
  return out;
}

/** Writes the head of a frame into the first FRAME_HEAD bytes of `out`, whose body is the rest of it. */
export function fillFrameHead(out: Buffer, kind: number, a: number, b: number): Buffer {
  writeHead(out, kind, a, b, out.length - FRAME_HEAD);
  return out;
}

function writeHead(out: Buffer, kind: number, a: number, b: number, bodySize: number): void {
  out.writeUInt32LE(FRAME_HEAD - 4 + bodySize, 0);
  out[4] = kind;
  out.writeUInt32LE(a >>> 0, 5);
  out.writeUInt32LE(b >>> 0, 9);
}

/** A copy in memory of its own (not a view of a chunk, nor of Node's buffer pool): what the hub transfers to another thread. */
export function ownCopy(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafeSlow(data.length);
  out.set(data);
  return out;
}

/**
 * Splits chunks of a stream into frames. A frame cut by a chunk's end is held
 * back and completed from the next chunk's first bytes alone: the rest of
 * that chunk is read in place. (Joining the whole next chunk to it copied
 * every byte of a stream of large frames once more, in fresh memory.)
 */
export class FrameParser {
  /** The start of a frame not yet complete: its bytes so far, and how many there will be (0 while its length is unknown). */
  #held: Buffer[] = [];
  #heldSize = 0;
  #heldNeeds = 0;

  /** The complete frames in `chunk` (plus what was held back); the rest waits for later chunks. Bodies are views: copy what is kept or sent on. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let at = 0;
    if (this.#heldSize > 0) {
      at = this.#complete(chunk);
      if (at < 0) return frames;
      const whole = Buffer.concat(this.#held, this.#heldSize);
      this.#held = [];
      this.#heldSize = 0;
      this.#heldNeeds = 0;
      frames.push(frameAt(whole, 0));
    }
    while (chunk.length - at >= 4) {
      const length = chunk.readUInt32LE(at);
      if (chunk.length - at - 4 < length) break;
      frames.push(frameAt(chunk, at));
      at += 4 + length;
    }
    if (at < chunk.length) this.#hold(chunk.subarray(at));
    return frames;
  }

  /** Adds the start of `chunk` to the held frame; where the rest of the chunk starts once the frame is complete, or -1. */
  #complete(chunk: Buffer): number {
    let at = 0;
    if (this.#heldNeeds === 0) {
      // Not even the 4 bytes of the length yet.
      const missing = Math.min(4 - this.#heldSize, chunk.length);
      this.#hold(chunk.subarray(0, missing));
      at = missing;
      if (this.#heldSize < 4) return -1;
    }
    const take = Math.min(this.#heldNeeds - this.#heldSize, chunk.length - at);
    if (take > 0) this.#hold(chunk.subarray(at, at + take));
    return this.#heldSize === this.#heldNeeds ? at + take : -1;
  }

  /** Keeps a copy of `part` (the stream may reuse its chunk's memory) as the next bytes of the held frame. */
  #hold(part: Buffer): void {
    this.#held.push(Buffer.from(part));
    this.#heldSize += part.length;
    if (this.#heldNeeds === 0 && this.#heldSize >= 4) {
      const head = this.#held.length === 1 ? this.#held[0] : Buffer.concat(this.#held, this.#heldSize);
      this.#heldNeeds = 4 + head.readUInt32LE(0);
    }
  }
}

/** The frame that starts at `at` in `data` (complete there); its body a view. */
function frameAt(data: Buffer, at: number): Frame {
  return {
    kind: data[at + 4],
    a: data.readUInt32LE(at + 5),
    b: data.readUInt32LE(at + 9),
    body: data.subarray(at + FRAME_HEAD, at + 4 + data.readUInt32LE(at)),
  };
}


/**
 * The child's end of fd 3: blocking reads and writes from the main thread.
 * Frames that arrive while waiting for a particular one (a queue answer while
 * the next task is already there) are kept for later, in order.
 */
export class SyncChannel {
  #buffer = Buffer.allocUnsafe(64 * 1024);
  #start = 0;
  #end = 0;
  readonly #kept: Frame[] = [];

  constructor(readonly fd: number, readonly outbox: Outbox, readonly onClosed: () => never) {}

  #fill(): void {
    if (this.#start > 0 && this.#start === this.#end) this.#start = this.#end = 0;
    if (this.#end === this.#buffer.length) {
      const size = this.#end - this.#start;
      const next = size * 2 > this.#buffer.length ? Buffer.allocUnsafe(this.#buffer.length * 2) : this.#buffer;
      this.#buffer.copy(next, 0, this.#start, this.#end);
      this.#buffer = next;
      this.#start = 0;
      this.#end = size;
    }
    this.#end += this.#readSome(this.#buffer, this.#end);
  }

  /** One blocking read into `target` from `at` on: how many bytes came. */
  #readSome(target: Buffer, at: number): number {
    for (;;) {
      let count: number;
      try {
        count = readSync(this.fd, target, at, target.length - at, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EINTR') {
          sleepMs(1);
          continue;
        }
        throw error;
      }
      if (count === 0) this.onClosed();
      return count;
    }
  }

  /**
   * A frame larger than the buffer (a queue get's batch of items): its body
   * is read straight into memory of its own, rather than into a buffer grown
   * to hold it and then copied out.
   */
  #readLarge(length: number): Frame {
    const at = this.#start;
    const head = this.#buffer;
    const body = Buffer.allocUnsafeSlow(4 + length - FRAME_HEAD);
    const held = this.#end - at - FRAME_HEAD;
    head.copy(body, 0, at + FRAME_HEAD, this.#end);
    this.#start = this.#end;
    for (let filled = held; filled < body.length; ) filled += this.#readSome(body, filled);
    return { kind: head[at + 4], a: head.readUInt32LE(at + 5), b: head.readUInt32LE(at + 9), body };
  }

  #readOne(): Frame {
    for (;;) {
      const available = this.#end - this.#start;
      if (available >= FRAME_HEAD) {
        const length = this.#buffer.readUInt32LE(this.#start);
        if (4 + length > this.#buffer.length) return this.#readLarge(length);
        if (available >= 4 + length) {
          const at = this.#start;
          this.#start += 4 + length;
          return {
            kind: this.#buffer[at + 4],
            a: this.#buffer.readUInt32LE(at + 5),
            b: this.#buffer.readUInt32LE(at + 9),
            body: Buffer.from(this.#buffer.subarray(at + FRAME_HEAD, at + 4 + length)),
          };
        }
      }
      this.#fill();
    }
  }

  /** The next frame, blocking until it arrives. */
  read(): Frame {
    return this.#kept.shift() ?? this.#readOne();
  }

  /** The first frame `wanted` accepts, keeping the others for read(). */
  readWhere(wanted: (frame: Frame) => boolean): Frame {
    const at = this.#kept.findIndex(wanted);
    if (at >= 0) return this.#kept.splice(at, 1)[0];
    for (;;) {
      const next = this.#readOne();
      if (wanted(next)) return next;
      this.#kept.push(next);
    }
  }

  write(kind: number, a = 0, b = 0, body?: Uint8Array): void {
    this.writeFrame(frame(kind, a, b, body));
  }

  /** A frame built by the caller (see frameHead), written now (after what waits in the outbox). */
  writeFrame(data: Buffer): void {
    try {
      this.outbox.writeDirect(data);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') this.onClosed();
      throw error;
    }
  }

  /** A frame whose body ends with a large payload, written now from the caller's buffers (see Outbox.writeDirectParts). */
  writeParts(parts: Uint8Array[]): void {
    try {
      this.outbox.writeDirectParts(parts);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') this.onClosed();
      throw error;
    }
  }

  /** A frame that needs no answer: queued for the helper thread to write with others (see outbox.ts). */
  post(data: Buffer): void {
    if (!this.outbox.tryAdd(data)) this.writeFrame(data);
  }

  /** Writes out what waits (before the process exits). */
  flush(): void {
    this.outbox.flush();
  }
}
