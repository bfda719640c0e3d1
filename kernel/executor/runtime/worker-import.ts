/**
 * import() inside code a cell sent to a thread, a pool or a process:
 * `await import('./util.ts')` in a Thread target resolves from the
 * notebook's folder and compiles TypeScript, as the same line does in a cell
 * (ts-modules.ts). Shipped code calls its import()s through IMPORT_FUNCTION
 * (transpile/module-syntax.ts), with a `load` that is plain import() where
 * the function was rebuilt: inside loom (revive-code.js), so `./util.ts`
 * would be looked for next to loom's files. Here a path is resolved against
 * the notebook's folder first, as TypeScript reads it (ts-candidates.ts), and
 * `load` gets the file's URL, keeping the call's import attributes. A
 * package (`import('some-package')`) is imported by a script compiled as a
 * file of the notebook's folder, as a cell is, so it is found in the
 * notebook's node_modules with import()'s own rules (its "exports" for import).
 * The module hooks that compile TypeScript are registered in this thread at
 * its first TypeScript import, not before (see worker-modules.ts for why per thread).
 */
import { statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { loomModuleUrl } from '../../transpile/loom-modules.js';
import { TYPESCRIPT_FILE } from '../../transpile/file.js';
import { candidates, PATH_LIKE } from './ts-candidates.js';
import { enableTypeScriptModules } from './ts-modules.js';
import { silenceLoaderWarning } from './loader-warning.js';

/** What IMPORT_FUNCTION is in a worker of the executor (worker-modules.ts makes it a global there). */
export function importInWorker<T>(specifier: unknown, load: (specifier: unknown) => Promise<T>): Promise<T> {
  if (typeof specifier !== 'string') return load(specifier);
  // loom's own modules load from the kernel's package, as in cells.
  if (/^loom(\/|$)/.test(specifier)) return load(loomModuleUrl(specifier) ?? specifier);
  if (isBuiltin(specifier)) return load(specifier);
  if (!PATH_LIKE.test(specifier)) return importPackage(specifier);
  const [, path = specifier, suffix = ''] = /^([^?#]*)(.*)$/.exec(specifier) ?? [];
  let file: string | undefined;
  try {
    file = notebookFile(path);
  } catch (error) {
    return Promise.reject(error); // a malformed file: URL, as import() would reject it
  }
  if (file === undefined) return Promise.reject(moduleNotFound(path));
  if (TYPESCRIPT_FILE.test(file)) enableTypeScriptModules();
  return load(pathToFileURL(file).href + suffix);
}

/** The notebook's folder: where a cell's import() resolves from (its cwd, as for the cell, see run-cell.ts). */
function notebookFolder(): string {
  return process.cwd();
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The absolute path of the file `path` names from the notebook's folder, trying TypeScript's readings of it; undefined when none is there. */
function notebookFile(path: string): string | undefined {
  const file = fromNotebook(path);
  return [file, ...candidates(file)].find(isFile);
}

function fromNotebook(path: string): string {
  return path.startsWith('file:') ? fileURLToPath(path) : resolve(notebookFolder(), path);
}

/** Node's error for a module import() cannot find (the same code and url), naming the notebook's folder rather than loom's file. */
function moduleNotFound(path: string): Error {
  const file = fromNotebook(path);
  const error = new Error(`Cannot find module '${file}' imported from the notebook's folder ${notebookFolder()}`) as NodeJS.ErrnoException & { url?: string };
  error.code = 'ERR_MODULE_NOT_FOUND';
  error.url = pathToFileURL(file).href;
  return error;
}

let packageImport: ((specifier: string) => Promise<never>) | undefined;

/**
 * import() of a package from the notebook's folder: a script of that folder
 * whose import() Node resolves as the cell's (vm's default loader, as in
 * run-cell.ts). Import attributes of the call do not reach it: `load` holds
 * them, and it imports from loom's folder.
 */
function importPackage<T>(specifier: string): Promise<T> {
  if (packageImport === undefined) {
    silenceLoaderWarning();
    packageImport = new vm.Script('(specifier) => import(specifier)', {
      filename: join(notebookFolder(), '<notebook>'),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }).runInThisContext() as (specifier: string) => Promise<never>;
  }
  return packageImport(specifier);
}
