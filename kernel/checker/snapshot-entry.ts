/**
 * What the checker's V8 start-up snapshot holds (snapshot.ts builds it with
 * `node --snapshot-blob FILE --build-snapshot` this file): the compiler
 * loaded, and lib and @types/node parsed and bound in a DocumentRegistry, so
 * that a checker process started from it answers the first cell's check
 * without loading the compiler (about 0.5 s of compiling typescript.js) or
 * parsing 2.8 MB of declarations (over a second), which is what the first
 * cell of a session used to wait for.
 *
 * Node 20 lets a snapshot's script require only Node's built-in modules, so
 * the checker's files and the compiler are loaded here by a small CommonJS
 * loader of its own (load()), and snapshot.ts runs this file through a
 * wrapper that gives it the `exports` Node leaves out. The files it loaded
 * are written to the path in LOOM_CHECKER_LOADED, one a line, so that
 * snapshot.ts can tell later when the snapshot is out of date. This file
 * itself imports only `node:` modules and types.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { startupSnapshot } from 'node:v8';
import { runInThisContext } from 'node:vm';
import type { DocumentRegistry } from 'typescript';

interface LoadedModule {
  exports: unknown;
}

const modules = new Map<string, LoadedModule>();

/** Loads a CommonJS file as Node would, with a require() that knows only built-ins and files. */
function load(file: string): unknown {
  const known = modules.get(file);
  if (known) return known.exports;
  const module: LoadedModule = { exports: {} };
  modules.set(file, module);
  const text = readFileSync(file, 'utf8');
  if (extname(file) === '.json') {
    module.exports = JSON.parse(text);
    return module.exports;
  }
  const wrapper = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${text}\n})`, { filename: file }) as (
    ...args: unknown[]
  ) => void;
  const localRequire = Object.assign((id: string) => (isBuiltin(id) ? require(id) : load(resolveId(id, file))), {
    resolve: (id: string) => resolveId(id, file),
  });
  wrapper.call(module.exports, module.exports, localRequire, module, file, dirname(file));
  return module.exports;
}

/** The built-in modules the compiler asks for by bare name (the checker's files say `node:`). */
const BUILTINS = new Set(['fs', 'path', 'os', 'crypto', 'perf_hooks', 'inspector']);

function isBuiltin(id: string): boolean {
  return id.startsWith('node:') || BUILTINS.has(id);
}

/** A relative file (`./x.js`) or a package path (`typescript`, `@types/node/package.json`), as Node resolves them. */
function resolveId(id: string, from: string): string {
  if (id.startsWith('.') || id.startsWith('/')) return asFile(resolve(dirname(from), id));
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', id);
    if (existsSync(join(candidate, 'package.json'))) {
      const main = (JSON.parse(readFileSync(join(candidate, 'package.json'), 'utf8')) as { main?: string }).main ?? 'index.js';
      return asFile(join(candidate, main));
    }
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`snapshot-entry: cannot find '${id}' from ${from}`);
  }
}

function asFile(path: string): string {
  return existsSync(path) || extname(path) !== '' ? path : `${path}.js`;
}

const here = (name: string): string => join(__dirname, name);

/**
 * Loads the checker, parses lib and @types/node into a registry, and warms
 * the code paths of a check and an inspection. Not of a completion: it sorts
 * with an Intl.Collator, which a snapshot cannot hold (the warm-up at run
 * time, worker.ts, does that).
 */
function prepare(): DocumentRegistry {
  const ts = load(resolveId('typescript', __filename)) as typeof import('typescript');
  const { NotebookService } = load(here('notebook-service.js')) as typeof import('./notebook-service.js');
  const { checkCell } = load(here('check.js')) as typeof import('./check.js');
  const { inspect } = load(here('inspect.js')) as typeof import('./inspect.js');
  load(here('serve.js'));
  const registry = ts.createDocumentRegistry();
  // A folder with no node_modules of its own: its types are the kernel's, as for most notebooks.
  const notebook = new NotebookService(here('__loom_snapshot_notebook__'), registry);
  for (const code of ['const warm: number = 1;\nwarm + 1', 'const wrong: string = 1;']) {
    notebook.setCurrent(code);
    checkCell(notebook.service, notebook.currentFile, code);
  }
  notebook.setCurrent('process');
  inspect(notebook.service, notebook.currentFile, 'process', 7, 0);
  // Only the parsed files are kept: the program and checker are the warm-up's, and each notebook makes its own.
  return registry;
}

/**
 * Every file the snapshot depends on: the modules loaded, and the package.json
 * files of what they read without loading it (loom's exports map, @types/node,
 * whose version stands for its declaration files).
 */
function inputs(): string[] {
  const files = [...modules.keys()];
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      files.push(join(dir, 'package.json'));
      break;
    }
  }
  try {
    files.push(resolveId('@types/node/package.json', __filename));
  } catch {
    // no @types/node: nothing of it in the snapshot
  }
  return files;
}

const registry = prepare();
const loaded = process.env.LOOM_CHECKER_LOADED;
if (loaded) writeFileSync(loaded, inputs().join('\n') + '\n');
startupSnapshot.setDeserializeMainFunction(() => {
  (load(here('serve.js')) as typeof import('./serve.js')).serve(registry);
});
