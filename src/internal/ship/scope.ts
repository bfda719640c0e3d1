/**
 * The names a shipped function finds in the worker besides globals: every
 * loom export (so `extends Thread` and `new Lock()` work), `require`, the
 * helpers compilers put inside function bodies, and the one that binds a module.
 */
import { createRequire } from 'node:module';
import { compilerHelpers } from './compiler-helpers.js';
import { bindModule, MODULE_BINDING } from './module-binding.js';

let namespace: Record<string, unknown> | undefined;

/** Everything `loom` exports, loaded lazily because this file is itself part of loom. */
export function loomNamespace(): Record<string, unknown> {
  if (!namespace) {
    const loom = require('../../index.js') as Record<string, unknown>;
    // Compiled default imports read `.default` (esModuleInterop), so the namespace is its own default.
    namespace = { ...loom };
    namespace.default = namespace;
  }
  return namespace;
}

/** Names always provided, whether or not the starter has them in scope. */
export const HELPER_NAMES = ['require', MODULE_BINDING, ...Object.keys(compilerHelpers)];

/**
 * Loom names that shadow a global of the same name inside shipped code: in
 * thread code `new Event()` means loom's Event far more often than the DOM one.
 * Every other global wins, so a later loom export (say `Array`) cannot break
 * ordinary JavaScript.
 */
const SHADOWING = new Set(['Event']);

/** The names a shipped function is evaluated with. */
export function providedNames(): Set<string> {
  const names = Object.keys(loomNamespace()).filter((n) => n !== 'default' && (!(n in globalThis) || SHADOWING.has(n)));
  return new Set([...names, ...HELPER_NAMES]);
}

/**
 * The object a compiled import of loom stands for. `multiprocessing_1` (tsc's
 * name for an import of loom/multiprocessing) must find that module's Queue,
 * not the queue module's, which the top-level namespace has under that name.
 */
export function namespaceFor(name: string, loom: Record<string, unknown>): Record<string, unknown> {
  const module = /^(import_)?(multiprocessing|futures)(_\d+)?$/.exec(name)?.[2];
  const inner = module ? (loom[module] as Record<string, unknown> | undefined) : undefined;
  return inner ? { ...loom, ...inner } : loom;
}

export function scopeFor(requireFrom: string, namespaces: readonly string[]): Record<string, unknown> {
  const loom = loomNamespace();
  const scope: Record<string, unknown> = { require: createRequire(requireFrom), [MODULE_BINDING]: bindModule, ...compilerHelpers };
  for (const name of providedNames()) if (name in loom) scope[name] = loom[name];
  for (const name of namespaces) scope[name] = namespaceFor(name, loom);
  return scope;
}
