/**
 * require() of the notebook's TypeScript files: `require('./util.ts')` in a
 * cell, and, in a worker, the `require` with which loom binds a module a cell
 * imported (`import { f } from './util.ts'` used by a Thread target: a
 * `{ module }` declaration, see notebook-declarations.ts) or that the shipped
 * code calls itself.
 *
 * Node 20's require() knows .js, .json and .node only, and module.register
 * hooks (ts-hooks.ts) never see a require(). So this adds two things to
 * Node's CommonJS loader, in the thread that calls it:
 *  - extensions: .ts, .cts, .mts and .tsx files are compiled to CommonJS by
 *    the cells' compiler (transpile/file.ts, which loads TypeScript at the
 *    first file, not before), with inline source maps, or taken from the
 *    files the executor compiled (compiled-files.ts);
 *  - resolution: a relative or absolute path Node cannot find is tried as
 *    TypeScript would (ts-candidates.ts): `./util.js` -> ./util.ts. Only for
 *    requiring files outside node_modules, as ts-hooks.ts does for import.
 * Both cost nothing until they are used: every worker of the executor
 * installs them as it starts (worker-modules.ts), so what they need is
 * required at first use, the compiler at the first file.
 */
import { readFileSync } from 'node:fs';
import Module from 'node:module';

type Candidates = typeof import('./ts-candidates.js');
type Compiled = typeof import('./compiled-files.js');
let paths: Candidates | undefined;
let compiled: Compiled | undefined;

type Compile = (module: Module, filename: string) => void;
type ResolveFilename = (request: string, parent: Module | undefined, ...rest: unknown[]) => string;
const loader = Module as unknown as { _extensions: Record<string, Compile>; _resolveFilename: ResolveFilename };

const EXTENSIONS = ['.ts', '.cts', '.mts', '.tsx'];
let installed = false;
let sourceMaps = false;

function compile(module: Module, filename: string): void {
  if (!sourceMaps) {
    sourceMaps = true;
    // Stack frames in the files then show their TypeScript lines (the maps are inline).
    process.setSourceMapsEnabled(true);
  }
  compiled ??= require('./compiled-files.js') as Compiled;
  const source = compiled.compileFile(readFileSync(filename, 'utf8'), filename, 'commonjs');
  (module as unknown as { _compile(code: string, filename: string): void })._compile(source, filename);
}

/** Node's resolution first; on MODULE_NOT_FOUND for a path, TypeScript's readings of it. The error names what was required. */
function withTypeScriptCandidates(resolveFilename: ResolveFilename): ResolveFilename {
  return function resolveTypeScript(this: unknown, request, parent, ...rest) {
    try {
      return resolveFilename.call(this, request, parent, ...rest);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || typeof request !== 'string') throw error;
      paths ??= require('./ts-candidates.js') as Candidates;
      if (!paths.PATH_LIKE.test(request) || request.startsWith('file:') || parent?.filename?.includes('/node_modules/')) throw error;
      for (const candidate of paths.candidates(request)) {
        try {
          return resolveFilename.call(this, candidate, parent, ...rest);
        } catch {
          // not this one
        }
      }
      throw error;
    }
  };
}

/** Installs the extensions and the resolution fallback in this thread; idempotent. */
export function installTypeScriptRequire(): void {
  if (installed) return;
  installed = true;
  for (const extension of EXTENSIONS) loader._extensions[extension] ??= compile;
  loader._resolveFilename = withTypeScriptCandidates(loader._resolveFilename);
}
