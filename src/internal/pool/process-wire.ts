/**
 * How pool tasks and their values cross between a process and its pool's
 * children (both sides): plain data as it is, anything else encoded. Apart
 * from the engine, so that a child loads this and not the parent's side.
 */
import { decode, encode, isPlain } from '../share/encode.js';
import type { Outcome, TaskKind } from './engine.js';
import { deserializeError, type SerializedError } from '../error-wire.js';
import { deserialize } from 'node:v8';
import { isNative, Reader, type Writer } from '../wire-codec.js';

export const KINDS: TaskKind[] = ['apply', 'map', 'star'];

/** Values for a process: shared objects and functions encoded (or refused), plain data as it is. */
export function outboundForProcess(value: unknown, path: string): unknown {
  return isPlain(value) ? value : encode(value, path, undefined, 'process');
}

export function inboundFromProcess(value: unknown): unknown {
  return isPlain(value) ? value : decode(value);
}

/** Writes a value for another process: a flag, then plain data as it is, or anything else encoded (shared objects, functions). */
export function writeForProcess(writer: Writer, value: unknown, path: string): Writer {
  if (isNative(value)) return writer.u8(0).nativeValue(value);
  return writer.u8(1).value(encode(value, path, undefined, 'process'));
}

export function readFromProcess(reader: Reader): unknown {
  const encoded = reader.u8() === 1;
  const value = reader.value();
  return encoded ? decode(value) : value;
}

/** A child's result for a task as its caller gets it: the value read back, or the error rebuilt (one that cannot be read is the error). */
export function outcomeOf(ok: boolean, body: Uint8Array): Outcome {
  try {
    if (ok) return { ok: true, value: readFromProcess(new Reader(Buffer.from(body.buffer, body.byteOffset, body.byteLength))) };
    return { ok: false, error: deserializeError(deserialize(body) as SerializedError) };
  } catch (error) {
    return { ok: false, error };
  }
}
