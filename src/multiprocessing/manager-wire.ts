/**
 * Messages between a Manager's thread and its callers, over loom's own queues
 * (one request queue for all callers, one reply queue per calling thread).
 * A message is v8-serialized and put as Buffers (the ring's fast path: a copy,
 * no second serialization). One larger than a part goes as several parts,
 * each headed with who sent it and which message it belongs to, so a value
 * larger than a queue's ring still travels (the reader frees room as it takes
 * parts), and parts of messages from different threads may interleave.
 */
import { deserialize, serialize } from 'node:v8';
import { NotShippableError } from '../errors.js';
import { isShareable } from '../internal/share/registry.js';

/** Per part: u32 sender (a caller id, 0 for the manager), u32 message id, u32 total payload bytes. */
const HEAD = 12;

/**
 * Refuses a value that holds a shared object (a proxy, a Lock, a Queue...):
 * v8 serialization would store an empty object in its place without a word.
 * loom's manager values are plain data; pass shared objects as arguments.
 */
export function refuseShared(value: unknown, path: string, seen = new Set<object>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value) || ArrayBuffer.isView(value)) return;
  if (isShareable(value)) {
    // The prototype's name: asking a Namespace for its constructor would be a round trip.
    const kind = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'shared object';
    throw new NotShippableError(
      `${path} is a ${kind}: a Manager's dict, list and Namespace hold plain values (copied), not shared objects or other proxies (Python nests proxies; loom does not). Pass the ${kind} to the thread or process as an argument instead`,
    );
  }
  seen.add(value);
  const items = value instanceof Map ? [...value.keys(), ...value.values()] : value instanceof Set ? [...value] : Object.values(value);
  for (const item of items) refuseShared(item, path, seen);
}

/** Splits `message` into queue items of at most `partBytes` payload bytes each. */
export function toParts(sender: number, id: number, message: unknown, partBytes: number): Buffer[] {
  let bytes: Buffer;
  try {
    bytes = serialize(message);
  } catch (error) {
    throw new NotShippableError(
      `a Manager's values are copied (v8 serialization): ${(error as Error).message} Functions, class instances with native state and shared objects cannot be stored in a Manager's dict, list or Namespace.`,
      { cause: error },
    );
  }
  const parts: Buffer[] = [];
  for (let offset = 0; offset < bytes.length || parts.length === 0; offset += partBytes) {
    const piece = bytes.subarray(offset, Math.min(bytes.length, offset + partBytes));
    const part = Buffer.allocUnsafe(HEAD + piece.length);
    part.writeUInt32LE(sender, 0);
    part.writeUInt32LE(id, 4);
    part.writeUInt32LE(bytes.length, 8);
    piece.copy(part, HEAD);
    parts.push(part);
  }
  return parts;
}

/** A whole message: who sent it, its id, and what it says. */
export interface Arrived {
  sender: number;
  id: number;
  message: unknown;
}

/** Puts parts back together, message by message (the parts of one message arrive in order). */
export class Assembler {
  readonly #partial = new Map<string, { pieces: Buffer[]; have: number }>();

  /** Takes one part; returns the message once its last part has come. */
  add(part: Buffer): Arrived | undefined {
    const sender = part.readUInt32LE(0);
    const id = part.readUInt32LE(4);
    const total = part.readUInt32LE(8);
    const piece = part.subarray(HEAD);
    if (piece.length === total) return { sender, id, message: deserialize(piece) };
    const key = `${sender}:${id}`;
    const partial = this.#partial.get(key) ?? { pieces: [], have: 0 };
    partial.pieces.push(piece);
    partial.have += piece.length;
    if (partial.have < total) {
      this.#partial.set(key, partial);
      return undefined;
    }
    this.#partial.delete(key);
    return { sender, id, message: deserialize(Buffer.concat(partial.pieces, total)) };
  }
}
