/**
 * Importing the notebook's own TypeScript files from cells: `import { f } from
 * './util.ts'`, `await import('./lib')`, `require('./old.cts')`. Node 20 runs
 * none of these by itself.
 *
 * Every import() of a cell goes through `importFromCell`: the transpiler
 * rewrites `import(x)` to `__loom_import(x, (s) => import(s))` (see
 * IMPORT_FUNCTION in transpile/module-syntax.ts), so the import itself still
 * resolves from the notebook. The first time a specifier looks
 * like a path that may be TypeScript, the module hooks of ts-hooks.ts are
 * registered with module.register, and the require() extensions for .ts and
 * .cts are installed. Until then Node's loader runs as it is, without a hooks
 * thread between every import and its module.
 *
 * Why our own hooks on the TypeScript compiler rather than tsx's register():
 *  - a notebook's folder rarely has a package.json, and under tsx (which
 *    follows Node's rules) a .ts file there is CommonJS: `import { f }` then
 *    finds no `f`, while the type checker (bundler resolution) says it is
 *    there. These hooks make .ts, .mts and .tsx ES modules, as the checker sees them;
 *  - the files are compiled by the compiler that compiles the cells, already a
 *    dependency, so enums, namespaces and decorators behave the same in both,
 *    and the executor needs no esbuild binary.
 */
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loomModuleUrl } from '../../transpile/loom-modules.js';
import { TYPESCRIPT_FILE } from '../../transpile/file.js';
import { PATH_LIKE } from './ts-candidates.js';
import { installTypeScriptRequire } from './ts-require.js';

/** Paths with these extensions load without our hooks (a .js that exists is JavaScript). */
const PLAIN = new Set(['.js', '.mjs', '.cjs', '.json', '.node', '.wasm']);

let enabled = false;

/**
 * What a cell's import(specifier) calls; `load` is the cell's own import(),
 * which resolves from the notebook. loom's own modules load from the kernel's
 * package (static imports are mapped by the transpiler already; this covers import('loom/queue')).
 */
export function importFromCell<T>(specifier: unknown, load: (specifier: unknown) => Promise<T>): Promise<T> {
  if (typeof specifier !== 'string') return load(specifier);
  const loom = loomModuleUrl(specifier);
  if (loom !== undefined) return load(loom);
  if (!enabled && mayBeTypeScript(specifier)) enableTypeScriptModules();
  return load(specifier);
}

/** require() from cells: the same, for `require('./util.ts')` and `import x = require('./old.cts')`. */
export function beforeRequire(id: string): void {
  if (!enabled && mayBeTypeScript(id)) enableTypeScriptModules();
}

/** A path (not a package) that is TypeScript, has no extension, or names a .js file that is not there. */
function mayBeTypeScript(specifier: string): boolean {
  if (!PATH_LIKE.test(specifier)) return false;
  const path = specifier.replace(/[?#].*$/, '');
  if (TYPESCRIPT_FILE.test(path)) return true;
  const extension = extname(path);
  if (!PLAIN.has(extension)) return true;
  try {
    const file = path.startsWith('file:') ? fileURLToPath(path) : resolve(path);
    return !existsSync(file);
  } catch {
    return false;
  }
}

/** Registers the hooks and the require() extensions (ts-require.ts); idempotent, per thread. */
export function enableTypeScriptModules(): void {
  if (enabled) return;
  enabled = true;
  // Stack frames in the files then show their TypeScript lines (the maps are inline).
  process.setSourceMapsEnabled(true);
  register(pathToFileURL(join(__dirname, 'ts-hooks.js')).href);
  installTypeScriptRequire();
}
