/**
 * Walks values crossing a thread boundary. On the way out shareable objects
 * (Lock, Queue, ...) become `{__loom__: kind, data}` markers and functions
 * become shipped source; on the way in the markers become live objects again.
 * Everything else is left to structured clone. Cycles and repeated references
 * keep their shape.
 */
import { types } from 'node:util';
import { MessagePort } from 'node:worker_threads';
import { isShareable, SHARE, canRevive, revive, type SharedForm } from './registry.js';

/** The key that marks an encoded shared object. */
export const MARK = '__loom__';

/** How functions met on the way out are encoded; set by the shipping module to avoid an import cycle. */
let encodeFunction: ((fn: Function, path: string) => SharedForm) | undefined;
export function setFunctionEncoder(encode: (fn: Function, path: string) => SharedForm): void {
  encodeFunction = encode;
}

function isLeaf(value: object): boolean {
  return ArrayBuffer.isView(value) || types.isAnyArrayBuffer(value) || value instanceof Date || value instanceof RegExp ||
    value instanceof Error || value instanceof MessagePort;
}

function marker(form: SharedForm): object {
  return { [MARK]: form.kind, id: form.id, data: form.data };
}

/** `path` names the value in error messages, e.g. `args[1]`. */
export function encode(value: unknown, path: string, seen = new Map<object, unknown>()): unknown {
  if (typeof value === 'function') {
    if (!encodeFunction) throw new Error('loom: function shipping is not loaded');
    return marker(encodeFunction(value, path));
  }
  if (typeof value !== 'object' || value === null || isLeaf(value)) return value;
  if (seen.has(value)) return seen.get(value);
  if (isShareable(value)) {
    const out = marker(value[SHARE]());
    seen.set(value, out);
    return out;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    value.forEach((item, i) => (out[i] = encode(item, `${path}[${i}]`, seen)));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [k, v] of value) out.set(encode(k, `${path} key`, seen), encode(v, `${path}.get(${String(k)})`, seen));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    seen.set(value, out);
    for (const v of value) out.add(encode(v, `${path} item`, seen));
    return out;
  }
  // Plain objects and class instances alike: structured clone keeps only own fields anyway.
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const key of Object.keys(value)) out[key] = encode((value as Record<string, unknown>)[key], `${path}.${key}`, seen);
  return out;
}

function isMarker(value: object): value is { [MARK]: string; id: number; data: unknown } {
  const kind = (value as Record<string, unknown>)[MARK];
  return typeof kind === 'string' && canRevive(kind);
}

/** Turns markers back into live objects, in place where possible (the value is a fresh clone). */
export function decode(value: unknown, seen = new Set<object>()): unknown {
  if (typeof value !== 'object' || value === null || isLeaf(value)) return value;
  if (isMarker(value)) return revive({ kind: value[MARK], id: value.id, data: value.data });
  if (seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decode(value[i], seen);
  } else if (value instanceof Map) {
    for (const [k, v] of [...value]) {
      value.delete(k);
      value.set(decode(k, seen), decode(v, seen));
    }
  } else if (value instanceof Set) {
    const items = [...value];
    value.clear();
    for (const v of items) value.add(decode(v, seen));
  } else {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = decode(record[key], seen);
  }
  return value;
}
