/**
 * How queue items are stored as bytes. Numbers, strings, booleans, null,
 * undefined and Buffers take a fast path (a tag and the raw value:
 * v8.serialize costs about 1 µs per call, more than the rest of a put, and
 * several for a large Buffer); everything else goes through v8.serialize,
 * Python's pickle for Node.
 */
import { deserialize, serialize } from 'node:v8';
import { NotShippableError } from '../../errors.js';
import { copyBytes } from './copy-bytes.js';

const UNDEFINED = 0;
const NULL = 1;
const TRUE = 2;
const FALSE = 3;
const NUMBER = 4;
const STRING = 5;
const V8 = 6;
/** A Buffer's bytes, read back as a Buffer. */
const BYTES = 7;
/** WRITER_CLOSED and WRITER_HELD: no payload. */
const CLOSED = 8;
const HELD = 9;

/**
 * The item a Pipe's end puts when one holder of it closes it. The ring counts
 * it against H.WRITERS (queue-core.ts) and keeps only the last one, which the
 * reader takes as EOF. It crosses processes as a bare tag.
 */
export const WRITER_CLOSED: unique symbol = Symbol('loom.writerClosed');

/**
 * What a child process puts when it gets a copy of a Pipe's writing end: its
 * parent's hub notes it (queue-service.ts), and closes the copy for the child
 * if the child is gone without closing it (killed). It never enters a ring.
 */
export const WRITER_HELD: unique symbol = Symbol('loom.writerHeld');

/** The wire tags of WRITER_CLOSED and WRITER_HELD (a wire item is its tag, then its payload). */
export const WIRE_CLOSED = CLOSED;
export const WIRE_HELD = HELD;

/**
 * An item ready to be written: its tag, payload size, a key the pools find it
 * by (removeKey) and, in a PriorityQueue, the bytes it is ordered by (sort-key.ts).
 */
export interface Packed {
  tag: number;
  size: number;
  key: number;
  value: unknown;
  bytes: Buffer | undefined;
  sortKey?: Buffer;
}

export function packedBytes(bytes: Buffer, key = 0): Packed {
  return { tag: V8, size: bytes.length, key, value: undefined, bytes };
}

export function pack(item: unknown): Packed {
  const key = 0;
  switch (typeof item) {
    case 'symbol':
      if (item === WRITER_CLOSED) return { tag: CLOSED, size: 0, key, value: item, bytes: undefined };
      if (item === WRITER_HELD) return { tag: HELD, size: 0, key, value: item, bytes: undefined };
      break;
    case 'number':
      return { tag: NUMBER, size: 8, key, value: item, bytes: undefined };
    case 'string':
      return { tag: STRING, size: Buffer.byteLength(item), key, value: item, bytes: undefined };
    case 'boolean':
      return { tag: item ? TRUE : FALSE, size: 0, key, value: item, bytes: undefined };
    case 'undefined':
      return { tag: UNDEFINED, size: 0, key, value: item, bytes: undefined };
  }
  if (item === null) return { tag: NULL, size: 0, key, value: item, bytes: undefined };
  // Bytes a caller serialized already (a Pipe's send, which looks at the size first).
  if (item instanceof Serialized) return packedBytes(item.bytes, key);
  if (Buffer.isBuffer(item)) return { tag: BYTES, size: item.length, key, value: undefined, bytes: item };
  let bytes: Buffer;
  try {
    bytes = serialize(item);
  } catch (error) {
    throw new NotShippableError(
      `the item cannot be put in a queue: ${(error as Error).message} Shared objects (Lock, Queue, SharedArrayBuffer, ...) reach a thread as Thread args or fields, not through a queue.`,
      { cause: error },
    );
  }
  return { tag: V8, size: bytes.length, key, value: undefined, bytes };
}

export function writePayload(data: Buffer, offset: number, packed: Packed): void {
  if (packed.tag === NUMBER) data.writeDoubleLE(packed.value as number, offset);
  else if (packed.tag === STRING) data.write(packed.value as string, offset, packed.size, 'utf8');
  else if (packed.tag === V8 || packed.tag === BYTES) copyBytes(packed.bytes!, data, offset);
}

/**
 * Reads a payload while the queue's lock is held. Serialized payloads are
 * copied out (returned as a Buffer) and deserialized by `finish` after the
 * lock is released, so other threads are not held up by deserialization.
 */
export function readPayload(data: Buffer, offset: number, tag: number, size: number): unknown {
  switch (tag) {
    case NUMBER: return data.readDoubleLE(offset);
    case STRING: return data.toString('utf8', offset, offset + size);
    case TRUE: return true;
    case FALSE: return false;
    case NULL: return null;
    case UNDEFINED: return undefined;
    case CLOSED: return WRITER_CLOSED;
    case HELD: return WRITER_HELD;
    case BYTES: return copyOut(data, offset, size);
    default: return new Serialized(copyOut(data, offset, size));
  }
}

/**
 * A copy of payload bytes in memory of the reader's own (Node's pool for small
 * ones, as Buffer.allocUnsafe does), made with copyBytes: `data` may be shared.
 */
function copyOut(data: Buffer, offset: number, size: number): Buffer {
  const out = size < 4096 ? Buffer.allocUnsafe(size) : Buffer.allocUnsafeSlow(size);
  copyBytes(data.subarray(offset, offset + size), out, 0);
  return out;
}

/**
 * An item as bytes for another process (a wire item) is its tag, then its
 * payload. This is the first half of making one: it takes a live item, or a
 * Serialized passed on unread, and the wire item's size is 1 + packed.size.
 */
export function packForWire(value: unknown): Packed {
  return value instanceof Serialized ? packedBytes(value.bytes) : pack(value);
}

/** The second half: writes the tag and payload at `offset`. */
export function writeWire(out: Buffer, offset: number, packed: Packed): void {
  out[offset] = packed.tag;
  writePayload(out, offset + 1, packed);
}

/** An item from another process, ready to be put in a ring without deserializing it (a view of `data`, not a copy). */
export function packedFromWire(data: Buffer): Packed {
  const tag = data[0];
  if (tag === V8 || tag === BYTES) return { tag, size: data.length - 1, key: 0, value: undefined, bytes: data.subarray(1) };
  return pack(readPayload(data, 1, tag, data.length - 1));
}

/** The live item from a wire item's bytes (a serialized one is read in place: `data` is not shared memory). */
export function itemFromWire(data: Buffer): unknown {
  if (data[0] === V8) return deserialize(data.subarray(1));
  return readPayload(data, 1, data[0], data.length - 1);
}

/** A payload still to be deserialized. */
export class Serialized {
  constructor(readonly bytes: Buffer) {}
}

export function finish(value: unknown): unknown {
  return value instanceof Serialized ? deserialize(value.bytes) : value;
}
