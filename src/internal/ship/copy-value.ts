/**
 * A value a host declared (a notebook variable) on its way to a worker:
 * copied now, as encode() makes it for the destination (loom's shared objects
 * stay shared), or refused with an error that names it and the part that
 * cannot go.
 *
 * Structured clone alone is not enough of a test: it copies a net.Server or a
 * file stream as a bag of fields and the worker would get a dead imitation,
 * and encode() (which runs first) turns a Promise into `{}`. So live
 * resources are refused by kind, before anything is copied.
 */
import { EventEmitter } from 'node:events';
import { types } from 'node:util';
import { LoomError, NotShippableError } from '../../errors.js';
import { encode } from '../share/encode.js';
import { isShareable, type ShareTarget } from '../share/registry.js';

/**
 * A host's value as encode() makes it for `target`, copied now (so changes
 * after the start are not seen); an error naming it when it cannot be copied.
 */
export function copyValue(name: string, value: unknown, where: string, target: ShareTarget): unknown {
  const advice = `Create it inside the function (in the ${where}), or give the ${where} the plain data it needs; a loom Queue or Pipe carries data to and fro.`;
  const why = whyNotCopyable(value, name);
  if (why !== undefined) {
    const problem = why.startsWith(`${name} is `)
      ? `'${name}'${why.slice(name.length)}: it cannot be copied to a ${where}`
      : `'${name}' cannot be copied to a ${where}: ${why}`;
    throw new NotShippableError(`${problem}. ${advice}`);
  }
  let encoded: unknown;
  try {
    encoded = encode(value, name, new Map(), target);
  } catch (error) {
    // encode's own errors already name the part (`${name}.lock is ...`).
    if (error instanceof LoomError) throw error;
    throw new NotShippableError(`'${name}' cannot be copied to a ${where}: ${(error as Error).message}. ${advice}`, { cause: error });
  }
  try {
    return structuredClone(encoded);
  } catch (error) {
    throw new NotShippableError(`'${name}' cannot be copied to a ${where}: ${(error as Error).message.split('\n')[0]}. ${advice}`, { cause: error });
  }
}

/** Returns undefined when `value` can be copied, else why not, naming the part by its path from `path`. */
export function whyNotCopyable(value: unknown, path: string, seen = new Set<object>()): string | undefined {
  if (typeof value === 'symbol') return `${path} is a Symbol, which only exists in this thread`;
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  // Shared, not copied; typed arrays and buffers are plain bytes.
  if (isShareable(value) || ArrayBuffer.isView(value) || types.isAnyArrayBuffer(value)) return undefined;
  const live = liveKind(value);
  if (live) return `${path} is ${live}`;
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const why = whyNotCopyable(k, `${path} key`, seen) ?? whyNotCopyable(v, `${path}.get(${String(k)})`, seen);
      if (why) return why;
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const v of value) {
      const why = whyNotCopyable(v, `${path} item`, seen);
      if (why) return why;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const why = whyNotCopyable((value as Record<string, unknown>)[key], Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, seen);
    if (why) return why;
  }
  return undefined;
}

/** What kind of live, uncopyable thing `value` is ("a Socket, a live resource of this process"), or undefined. */
function liveKind(value: object): string | undefined {
  const name = value.constructor?.name || 'object';
  if (types.isProxy(value)) return 'a Proxy, whose handler cannot be copied';
  if (types.isPromise(value)) return 'a Promise, which settles only in this thread (await it first and use its value)';
  if (types.isWeakMap(value) || types.isWeakSet(value) || value instanceof WeakRef || value instanceof FinalizationRegistry) {
    return `a ${name}, which holds its entries weakly and cannot be copied`;
  }
  if (types.isModuleNamespaceObject(value)) return 'a module namespace (import the module statically, or inside the function)';
  if (types.isGeneratorObject(value) || types.isMapIterator(value) || types.isSetIterator(value)) return `a ${name}, whose position cannot be copied`;
  if (value instanceof EventEmitter || (typeof EventTarget === 'function' && value instanceof EventTarget)) {
    return `a ${name}, a live resource of this thread (a socket, stream, server, process or port)`;
  }
  if (types.isExternal(value)) return 'a native handle';
  return undefined;
}
