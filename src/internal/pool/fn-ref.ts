/**
 * The function a pool task runs, as it crosses into a worker: shipped by
 * source like a Thread target, or named as a module export (`{filename,
 * name}`, as piscina does) for functions that need their module's imports.
 * This is the pool's side; entry/load-fn.ts turns a spec back into a
 * function inside the worker.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Serializer } from 'node:v8';
import { typeError, valueError } from '../validate.js';
import type { ShareTarget } from '../share/registry.js';
import { shipFunction } from '../ship/ship.js';
import { isSelfContained, type FnSpec } from '../ship/shipped.js';

/** A module-level export for workers to load, like piscina's `{filename, name}`. */
export interface ModuleFunction {
  /** Absolute path or file: URL of the module (a relative path resolves from the current directory). */
  filename: string;
  /** The export to call. @default 'default' (the module itself when it exports a single function) */
  name?: string;
}

/** A function a pool task can run: any self-contained function, or a module export. */
export type TaskFunction<A extends unknown[] = never[], R = unknown> = ((...args: A) => R) | ModuleFunction;


const ADVICE = (them: string): string =>
  `Pass ${them} as an argument of the task (or in initargs), define ${them} inside the function, or export the function from a module and pass {filename, name}.`;

/**
 * Self-contained functions are shipped once: by the function object, and by
 * source too (`pool.apply((x) => x + 1, [i])` in a loop makes a new function
 * object each time, and shipping parses the source). Code that brought a
 * host's declarations along (a notebook's helpers and constants) is shipped
 * afresh at every call: a cell may have redefined a helper, or changed a
 * constant, since the last one.
 */
const shipped = new WeakMap<Function, FnSpec>();
const bySource = new Map<string, FnSpec>();

/**
 * Validates and converts a task function (`argument` names it in errors);
 * `target` says whether the pool's workers are threads or processes, which
 * decides how the values it brings are encoded. Throws at once for anything else.
 */
export function fnSpec(fn: unknown, argument: string, target: ShareTarget): FnSpec {
  if (typeof fn === 'function') {
    const source = Function.prototype.toString.call(fn);
    const known = shipped.get(fn) ?? bySource.get(source);
    if (known) {
      shipped.set(fn, known);
      return known;
    }
    const spec = { code: shipFunction(fn, argument, 'worker', ADVICE, target) };
    if (isSelfContained(spec.code)) {
      shipped.set(fn, spec);
      if (bySource.size >= 1000) bySource.delete(bySource.keys().next().value!);
      bySource.set(source, spec);
    }
    return spec;
  }
  if (typeof fn === 'object' && fn !== null && typeof (fn as ModuleFunction).filename === 'string') {
    const { filename, name } = fn as ModuleFunction;
    if (name !== undefined && typeof name !== 'string') throw typeError(`${argument}.name`, 'a string naming an export', name);
    const file = filename.startsWith('file:') ? fileURLToPath(filename) : isAbsolute(filename) ? filename : resolve(filename);
    if (!existsSync(file)) throw valueError(`${argument}.filename`, 'an existing module file', filename);
    return { file, name: name ?? 'default' };
  }
  throw typeError(argument, 'a function, or {filename, name} naming a module export', fn);
}

/**
 * A stable key for a spec, so each distinct function is defined once per
 * worker: the same source with the same values (compared by content, shared
 * memory by identity) is the same function.
 */
export function fnKey(spec: FnSpec): string {
  if (!('code' in spec)) return `file:${spec.file}#${spec.name}`;
  const { prelude, expression, requireFrom, values } = spec.code;
  return `code:${prelude}\n${expression}\n${requireFrom}${values ? `\n${digestOf(values)}` : ''}`;
}

const digests = new WeakMap<object, string>();
const sharedIds = new WeakMap<SharedArrayBuffer, number>();
let nextSharedId = 0;

/** A digest of encoded values: their v8 serialization, with each SharedArrayBuffer as its identity. */
function digestOf(values: Record<string, unknown>): string {
  let digest = digests.get(values);
  if (digest === undefined) {
    const serializer = new Serializer();
    (serializer as unknown as { _getSharedArrayBufferId(buffer: SharedArrayBuffer): number })._getSharedArrayBufferId = (buffer) => {
      let id = sharedIds.get(buffer);
      if (id === undefined) sharedIds.set(buffer, (id = ++nextSharedId));
      return id;
    };
    serializer.writeHeader();
    serializer.writeValue(values);
    digest = createHash('sha1').update(serializer.releaseBuffer()).digest('base64');
    digests.set(values, digest);
  }
  return digest;
}
