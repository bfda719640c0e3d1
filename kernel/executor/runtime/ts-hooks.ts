/**
 * Node module hooks (module.register) that let cells import the notebook's own
 * TypeScript files. They run in Node's loader thread, registered by
 * ts-modules.ts the first time a cell imports a path that may need them.
 *
 * What they add to Node's own resolution and loading, to match what the type
 * checker accepts (moduleResolution "bundler" from the notebook's folder):
 *  - resolve: a relative or absolute specifier Node cannot find is tried as
 *    TypeScript would: `./util` -> ./util.ts, .tsx, .js, ./util/index.ts...;
 *    `./util.js` -> ./util.ts. Only for importers outside node_modules.
 *  - load: .ts, .mts and .tsx files are compiled to ES modules, whatever the
 *    nearest package.json "type" says: a notebook's folder rarely has one, and
 *    Node would then take a .ts file for CommonJS, whose named exports an
 *    import cannot see. .cts files are CommonJS, left to Node's CommonJS
 *    loader and the require() extension ts-modules.ts installs for them.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { LoadHook, ResolveHook } from 'node:module';
import { TYPESCRIPT_FILE } from '../../transpile/file.js';
import { compileFile } from './compiled-files.js';
import { candidates, PATH_LIKE } from './ts-candidates.js';

const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT']);

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!NOT_FOUND.has(code) || !PATH_LIKE.test(specifier) || context.parentURL?.includes('/node_modules/')) throw error;
    for (const candidate of candidates(specifier)) {
      try {
        return await nextResolve(candidate, context);
      } catch {
        // not this one; the error names what was imported, not our guesses
      }
    }
    throw error;
  }
};

export const load: LoadHook = async (url, context, nextLoad) => {
  const path = url.startsWith('file:') ? fileURLToPath(url) : '';
  if (!TYPESCRIPT_FILE.test(path)) return nextLoad(url, context);
  // No source: Node's CommonJS loader reads it, through the .cts require() extension.
  if (path.endsWith('.cts')) return { format: 'commonjs', shortCircuit: true };
  const source = await readFile(path, 'utf8');
  const compiled = compileFile(source, path, 'module');
  // The threads and processes of the executor require() it (a cell's import used by a Thread target):
  // compiled for them too, after this import, they need not load the compiler (compiled-files.ts).
  setImmediate(() => {
    try {
      compileFile(source, path, 'commonjs');
    } catch {
      // the worker that needs it reports the error
    }
  });
  return { format: 'module', source: compiled, shortCircuit: true };
};
