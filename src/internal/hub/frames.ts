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

/** A frame of `bodySize` body bytes with its head written; the caller fills the body from FRAME_HEAD on. */
export function frameHead(kind: number, a: number, b: number, bodySize: number): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEAD + bodySize);
  out.writeUInt32LE(FRAME_HEAD - 4 + bodySize, 0);
  out[4] = kind;
  out.writeUInt32LE(a >>> 0, 5);
  out.writeUInt32LE(b >>> 0, 9);
  return out;
}

/** A copy in memory of its own (not a view of a chunk, nor of Node's buffer pool): what the hub transfers to another thread. */
export function ownCopy(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafeSlow(data.length);
  out.set(data);
  return out;
}

/** Splits chunks of a stream into frames. */
export class FrameParser {
  /** Chunks of a frame not yet complete, and their total size (joined once, when complete). */
  #held: Buffer[] = [];
  #heldSize = 0;

  /**
   * The complete frames in `chunk` (plus what was held back); the rest waits
   * for later chunks. Bodies are views: copy what is kept or sent on.
   */
  push(chunk: Buffer): Frame[] {
    let data = chunk;
    if (this.#heldSize > 0) {
      this.#held.push(chunk);
      this.#heldSize += chunk.length;
      const head = this.#held[0].length >= 4 ? this.#held[0] : Buffer.concat(this.#held);
      if (head.length >= 4 && this.#heldSize < 4 + head.readUInt32LE(0)) return [];
      data = Buffer.concat(this.#held, this.#heldSize);
      this.#held = [];
      this.#heldSize = 0;
    }
    const frames: Frame[] = [];
    let at = 0;
    while (data.length - at >= 4) {
      const length = data.readUInt32LE(at);
      if (data.length - at - 4 < length) break;
      frames.push({
        kind: data[at + 4],
        a: data.readUInt32LE(at + 5),
        b: data.readUInt32LE(at + 9),
        body: data.subarray(at + FRAME_HEAD, at + 4 + length),
      });
      at += 4 + length;
    }
    if (at < data.length) {
      // A copy: the stream may reuse its chunk's memory.
      const rest = Buffer.from(data.subarray(at));
      this.#held = [rest];
      this.#heldSize = rest.length;
    }
    return frames;
  }
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
    for (;;) {
      let count: number;
      try {
        count = readSync(this.fd, this.#buffer, this.#end, this.#buffer.length - this.#end, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EINTR') {
          sleepMs(1);
          continue;
        }
        throw error;
      }
      if (count === 0) this.onClosed();
      this.#end += count;
      return;
    }
  }

  #readOne(): Frame {
    for (;;) {
      const available = this.#end - this.#start;
      if (available >= 4) {
        const length = this.#buffer.readUInt32LE(this.#start);
        if (4 + length > this.#buffer.length) {
          const bigger = Buffer.allocUnsafe(4 + length);
          this.#buffer.copy(bigger, 0, this.#start, this.#end);
          this.#buffer = bigger;
          this.#end -= this.#start;
          this.#start = 0;
        } else if (available >= 4 + length) {
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

  /** A frame that needs no answer: queued for the helper thread to write with others (see outbox.ts). */
  post(data: Buffer): void {
    if (!this.outbox.tryAdd(data)) this.writeFrame(data);
  }

  /** Writes out what waits (before the process exits). */
  flush(): void {
    this.outbox.flush();
  }
}
