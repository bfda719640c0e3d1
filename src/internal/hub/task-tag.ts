/**
 * The output tag a pool task carries (protocol.ts, F.TASK's body: u8 kind,
 * then the tag as a string, '' for none). The hub reads it only when an
 * interrupt names a tag, never per task.
 */
import { Reader } from '../wire-codec.js';

/** The task's output tag, or undefined when it has none. */
export function taskTag(body: Uint8Array): string | undefined {
  const reader = new Reader(Buffer.from(body.buffer, body.byteOffset, body.byteLength), 1);
  const tag = reader.string();
  return tag === '' ? undefined : tag;
}
