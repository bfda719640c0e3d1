/**
 * Messages larger than a Pipe's ring (1 MiB), as CPython's test_connection
 * sends (16 MiB): the sender streams the message's bytes through the ring in
 * chunks and the reader puts them back together, so a 64 MiB message needs
 * 64 MiB in the sender and the reader, never in the ring. A head item says
 * how many bytes follow and what they are. The sender holds its end's send
 * lock from the head to the last chunk (connection.ts), so the chunks of two
 * messages never interleave and a reader that took a head takes the rest.
 */
import { deserialize } from 'node:v8';
import { EOFError } from '../errors.js';
import { pack, Serialized } from '../internal/ring/codec.js';

/**
 * Payload bytes per chunk, and the size from which a message goes in chunks:
 * a quarter of the ring, so the writer fills one part while the reader
 * empties another.
 */
export const CHUNK = 256 * 1024;

/** A child sending chunks waits for the hub's answer every this many (the hub then holds at most this many). */
export const WINDOW = 4;

/** What a message's bytes are: a Buffer's own, a string's UTF-8, or a v8 serialization. */
const BYTES = 0;
const STRING = 1;
const V8 = 2;

const HEAD = '__loom_chunked__';

interface Head {
  [HEAD]: number;
  kind: number;
}

/** A message to send in chunks. */
export interface Large {
  bytes: Buffer;
  kind: number;
}

/**
 * What send() puts for `item`: `one`, the item as it goes in one piece (an
 * object already serialized, so it is not serialized twice), or its bytes
 * when they are over CHUNK.
 */
export function outgoing(item: unknown): { one: unknown } | Large {
  if (Buffer.isBuffer(item)) return item.length > CHUNK ? { bytes: item, kind: BYTES } : { one: item };
  if (typeof item === 'string') {
    // At most 3 bytes per UTF-16 unit: a shorter string cannot be over CHUNK, so it is not measured.
    if (item.length * 3 <= CHUNK) return { one: item };
    const bytes = Buffer.from(item, 'utf8');
    return bytes.length > CHUNK ? { bytes, kind: STRING } : { one: item };
  }
  const packed = pack(item);
  if (!packed.bytes) return { one: item };
  return packed.size > CHUNK ? { bytes: packed.bytes, kind: V8 } : { one: new Serialized(packed.bytes) };
}

/** The head item of a large message. */
export function headOf(large: Large): Head {
  return { [HEAD]: large.bytes.length, kind: large.kind };
}

export function isHead(item: unknown): item is Head {
  return typeof item === 'object' && item !== null && typeof (item as Record<string, unknown>)[HEAD] === 'number';
}

/** A large message being put back together from its chunks. */
export class Whole {
  readonly #bytes: Buffer;
  readonly #kind: number;
  #at = 0;

  constructor(head: Head) {
    this.#bytes = Buffer.allocUnsafeSlow(head[HEAD]);
    this.#kind = head.kind;
  }

  /** Adds the next chunk; true once the message is complete. */
  add(chunk: unknown): boolean {
    if (!(chunk instanceof Uint8Array) || this.#at + chunk.length > this.#bytes.length) {
      throw new EOFError('a large message was cut short: its sender stopped in the middle of it');
    }
    this.#bytes.set(chunk, this.#at);
    this.#at += chunk.length;
    return this.#at === this.#bytes.length;
  }

  /** The message as recv() gives it. */
  value(): unknown {
    if (this.#kind === BYTES) return this.#bytes;
    if (this.#kind === STRING) return this.#bytes.toString('utf8');
    return deserialize(this.#bytes);
  }
}
