/**
 * Walks values crossing a thread boundary. On the way out shareable objects
 * (Lock, Queue, ...) become `{__loom__: kind, data}` markers and functions
 * become shipped source; on the way in the markers become live objects again.
 * Everything else is left to structured clone. Cycles and repeated references
 * keep their shape.
 */
import { types } from 'node:util';
import { MessagePort } from 'node:worker_threads';
import { NotShippableError } from '../../errors.js';
import { lazy } from '../lazy.js';
import { isShareable, SHARE, canRevive, revive, type ShareTarget, type SharedForm } from './registry.js';

/** The key that marks an encoded shared object. */
export const MARK = '__loom__';

/**
 * Functions met on the way out are shipped by source. Required at the first
 * one: ship.ts imports this module (a load cycle otherwise), and a worker that
 * sends no function back need not load the shipping code.
 */
const ship = lazy<typeof import('../ship/ship.js')>(() => require('../ship/ship.js'));

/** A function as a shared form; what it uses is encoded for `target` too. */
function encodeFunction(fn: Function, path: string, target: ShareTarget): SharedForm {
  return { kind: 'Function', id: 0, data: ship().shipFunction(fn, path, target, undefined, target) };
}

function isLeaf(value: object): boolean {
  return ArrayBuffer.isView(value) || types.isAnyArrayBuffer(value) || value instanceof Date || value instanceof RegExp ||
    value instanceof Error || value instanceof MessagePort;
}

function marker(form: SharedForm): object {
  return { [MARK]: form.kind, id: form.id, data: form.data };
}

/** Whether `value` holds shared memory anywhere (which v8.serialize and other processes cannot take). */
export function holdsSharedMemory(value: unknown, seen = new Set<object>()): boolean {
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  if (types.isSharedArrayBuffer(value)) return true;
  if (ArrayBuffer.isView(value)) return types.isSharedArrayBuffer(value.buffer);
  if (isLeaf(value)) return false;
  seen.add(value);
  const items = value instanceof Map ? [...value.keys(), ...value.values()] : value instanceof Set ? [...value] : Object.values(value);
  return items.some((item) => holdsSharedMemory(item, seen));
}

const FOR_PROCESSES = 'Pass values (they are copied), or a multiprocessing Queue or Pipe to talk to the process.';

/** Refuses, for a process, what only threads can share, naming where it was found. */
function checkForProcess(value: object, path: string): void {
  if (types.isSharedArrayBuffer(value) || (ArrayBuffer.isView(value) && types.isSharedArrayBuffer(value.buffer))) {
    throw new NotShippableError(`${path} is shared memory (a SharedArrayBuffer), which cannot reach another process. ${FOR_PROCESSES}`);
  }
  if (value instanceof MessagePort) throw new NotShippableError(`${path} is a MessagePort, which cannot reach another process. ${FOR_PROCESSES}`);
}

/**
 * `path` names the value in error messages, e.g. `args[1]`. `target` says
 * where the value goes: a thread of this process (shared objects travel as
 * their shared memory) or another process (only what can live there).
 */
export function encode(value: unknown, path: string, seen = new Map<object, unknown>(), target: ShareTarget = 'thread'): unknown {
  if (typeof value === 'function') {
    return marker(encodeFunction(value, path, target));
  }
  if (typeof value !== 'object' || value === null) return value;
  if (isLeaf(value)) {
    if (target === 'process') checkForProcess(value, path);
    return value;
  }
  if (seen.has(value)) return seen.get(value);
  if (isShareable(value)) {
    const form = value[SHARE](target);
    if (target === 'process' && holdsSharedMemory(form.data)) {
      throw new NotShippableError(`${path} is a ${form.kind.replace(/^mp\./, '')}, which lives in shared memory and reaches threads, not other processes. ${FOR_PROCESSES}`);
    }
    const out = marker(form);
    seen.set(value, out);
    return out;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    value.forEach((item, i) => (out[i] = encode(item, `${path}[${i}]`, seen, target)));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [k, v] of value) out.set(encode(k, `${path} key`, seen, target), encode(v, `${path}.get(${String(k)})`, seen, target));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    seen.set(value, out);
    for (const v of value) out.add(encode(v, `${path} item`, seen, target));
    return out;
  }
  // Plain objects and class instances alike: structured clone keeps only own fields anyway.
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const key of Object.keys(value)) out[key] = encode((value as Record<string, unknown>)[key], `${path}.${key}`, seen, target);
  return out;
}

/** True when `value` is made of primitives and arrays of them only: nothing for encode() or decode() to do. */
export function isPlain(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object') return typeof value !== 'function' && typeof value !== 'symbol';
  if (value === null) return true;
  if (!Array.isArray(value) || depth > 2) return false;
  for (let i = 0; i < value.length; i++) if (!isPlain(value[i], depth + 1)) return false;
  return true;
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
