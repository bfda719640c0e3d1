/**
 * The notebook's top-level declarations, for code that cells send to threads,
 * processes and pools (loom's shipHooks.resolveDeclaration).
 *
 * A cell's top-level bindings are globals of the executor (see
 * transpile/top-level-scope.ts), and loom ships a function by its source
 * alone, so `class T extends Thread { run() { ... N ... } }` would find no `N`
 * in the thread. This registry knows which globals cells declared, and which
 * of them a module binds, so loom can bring them along: a binding of a module
 * as a `require` of that module in the worker (resolved from the notebook's
 * directory), any other name as its current value (loom turns functions and
 * classes into source, copies plain values and shares its own objects).
 *
 * Names no cell declared (`console`, `Math`, `display`) are left to loom:
 * they are the worker's own globals.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shipHooks, type Declaration } from '../../../src/host/index.js';
import { loomModuleFile } from '../../transpile/loom-modules.js';
import type { ImportBinding } from '../../transpile/transpiled.js';
import { IMPORT_FUNCTION } from '../../transpile/import-function.js';

/** A name a module binds, or one whose value counts. */
type Entry = { module: string; imported: string } | 'value';

const declared = new Map<string, Entry>();

/**
 * A function shipped from a cell calls its import()s through IMPORT_FUNCTION
 * (transpile/module-syntax.ts). In the executor's workers it is their global
 * (worker-modules.ts: resolved from the notebook's folder, TypeScript
 * compiled), which code they ship on finds too; anywhere else, plain import().
 */
const IMPORT_IN_WORKER = `const ${IMPORT_FUNCTION} = globalThis.${IMPORT_FUNCTION} ?? ((specifier, load) => load(specifier));`;

/** What a cell declares, taken in when it runs: a name declared again counts from then on as its latest declaration says. */
export function rememberDeclarations(cell: { declarations: readonly string[]; imports: readonly ImportBinding[] }): void {
  const modules = new Map(cell.imports.map((binding) => [binding.local, binding]));
  for (const name of cell.declarations) {
    const binding = modules.get(name);
    declared.set(name, binding ? { module: requirable(binding.specifier), imported: binding.imported } : 'value');
  }
}

/** loom's own modules by their files (as cells load them), file: URLs as paths; the rest as written. */
function requirable(specifier: string): string {
  const loom = loomModuleFile(specifier);
  if (loom !== undefined) return loom;
  return specifier.startsWith('file:') ? fileURLToPath(specifier) : specifier;
}

export function resolveNotebookDeclaration(name: string): Declaration | undefined {
  if (name === IMPORT_FUNCTION) return IMPORT_IN_WORKER;
  const entry = declared.get(name);
  if (entry === undefined) return undefined;
  if (entry !== 'value') return entry;
  return { value: (globalThis as Record<string, unknown>)[name] };
}

/** Installs the registry as loom's resolver; require() in shipped code resolves from the notebook's directory, as in cells. */
export function shipNotebookDeclarations(): void {
  shipHooks.resolveDeclaration = resolveNotebookDeclaration;
  shipHooks.requireFrom = join(process.cwd(), '<notebook>');
}
