/**
 * How pool tasks and their values cross between a process and its pool's
 * children (both sides): plain data as it is, anything else encoded. Apart
 * from the engine, so that a child loads this and not the parent's side.
 */
import { decode, encode, isPlain } from '../share/encode.js';
import type { TaskKind } from './engine.js';
import { isNative, type Reader, type Writer } from '../wire-codec.js';

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
