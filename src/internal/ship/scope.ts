/**
 * The names a shipped function finds in the worker besides globals: the loom
 * exports it uses (so `extends Thread` and `new Lock()` work), `require`, the
 * helpers compilers put inside function bodies, and the one that binds a module.
 *
 * A worker loads only the loom modules its code uses: requiring all of loom
 * (some 80 modules) in every new thread took 15-20 ms of its start. So the
 * starting side notes, for each loom name the code reads, the module that
 * exports it (`LoomUses`), and the worker requires just those.
 */
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { lazy } from '../lazy.js';
import { compilerHelpers } from './compiler-helpers.js';
import { bindModule, MODULE_BINDING } from './module-binding.js';

/** The folder loom's modules live in (dist/src, or src under tsx). */
const LOOM_ROOT = join(__dirname, '..', '..');
/** A LoomUses entry for a name no single module of loom exports as such: take it from the whole namespace. */
const WHOLE = 'index';

/**
 * The loom names shipped code reads, each with the file (relative to loom's
 * root) of a module that exports it. A key is `Name` for a bare name, or
 * `ns.Member` for a member of a compiled import of loom (`threading_1.Lock`).
 */
export type LoomUses = Record<string, string>;

/**
 * Everything `loom` exports. Required at first use (lazy.ts): loom's root
 * imports every module, this one included, and a worker whose code names
 * only a few loom exports never loads the rest.
 */
export const loomNamespace = lazy((): Record<string, unknown> => {
  // Compiled default imports read `.default` (esModuleInterop), so the namespace is its own default.
  const namespace: Record<string, unknown> = { ...(require('../../index.js') as Record<string, unknown>) };
  namespace.default = namespace;
  return namespace;
});

/** Names always provided, whether or not the starter has them in scope. */
export const HELPER_NAMES = ['require', MODULE_BINDING, ...Object.keys(compilerHelpers)];

/**
 * Loom names that shadow a global of the same name inside shipped code: in
 * thread code `new Event()` means loom's Event far more often than the DOM one.
 * Every other global wins, so a later loom export (say `Array`) cannot break
 * ordinary JavaScript.
 */
const SHADOWING = new Set(['Event']);

/** The loom names a shipped function is evaluated with (the helpers aside). */
export function providedLoomNames(): Set<string> {
  return new Set(Object.keys(loomNamespace()).filter((n) => n !== 'default' && (!(n in globalThis) || SHADOWING.has(n))));
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

const homes = new Map<string, { value: unknown; home: string }[]>();

/**
 * A loaded loom module (not an index, which loads a whole part of loom) whose
 * export `name` is `value`; any such module gives the worker the same value.
 * WHOLE when there is none (the `multiprocessing` namespace, or loom loaded as
 * an ES module, which require.cache does not list).
 */
function homeOf(name: string, value: unknown): string {
  const known = homes.get(name)?.find((h) => h.value === value);
  if (known) return known.home;
  let home = WHOLE;
  for (const [file, module] of Object.entries(require.cache)) {
    if (!file.startsWith(LOOM_ROOT + sep) || /[\\/]index\.[jt]s$/.test(file)) continue;
    const exports = module?.exports as Record<string, unknown> | undefined;
    if (exports && Object.hasOwn(exports, name) && exports[name] === value) {
      home = relative(LOOM_ROOT, file).split(sep).join('/');
      break;
    }
  }
  homes.set(name, [...(homes.get(name) ?? []), { value, home }]);
  return home;
}

/** The LoomUses entry of a bare loom name. */
export function loomUse(name: string): [string, string] {
  return [name, homeOf(name, loomNamespace()[name])];
}

/** The LoomUses entry of `namespace.member`, a member of a compiled import of loom. */
export function loomMemberUse(namespaceName: string, member: string): [string, string] {
  return [`${namespaceName}.${member}`, homeOf(member, namespaceFor(namespaceName, loomNamespace())[member])];
}

/** In the worker: the value a LoomUses entry stands for, loading only its module. */
function loomValue(key: string, home: string): unknown {
  const dot = key.indexOf('.');
  const member = dot < 0 ? key : key.slice(dot + 1);
  if (home === WHOLE) return (dot < 0 ? loomNamespace() : namespaceFor(key.slice(0, dot), loomNamespace()))[member];
  return (require(join(LOOM_ROOT, home)) as Record<string, unknown>)[member];
}

export function scopeFor(requireFrom: string, uses: LoomUses = {}): Record<string, unknown> {
  const scope: Record<string, unknown> = { require: createRequire(requireFrom), [MODULE_BINDING]: bindModule, ...compilerHelpers };
  for (const [key, home] of Object.entries(uses)) {
    const dot = key.indexOf('.');
    const value = loomValue(key, home);
    if (dot < 0) scope[key] = value;
    else ((scope[key.slice(0, dot)] ??= {}) as Record<string, unknown>)[key.slice(dot + 1)] = value;
  }
  return scope;
}
