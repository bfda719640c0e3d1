/**
 * TypeScript's compiler (typescript.js, 9 MB of JavaScript), loaded from a V8
 * code cache when the executor needs it: for a cell the type checker did not
 * transpile (a silent one, or one run while the checker was down:
 * transpile/transpiled.ts), and for the .ts files cells import.
 *
 * Compiled from source, as require() does, the parser's scratch memory, once
 * freed, stays stranded in glibc's main heap: 14 MiB of the executor's RSS
 * that no cell ever uses (malloc trims only the top of its heap). From a
 * cache, V8 deserializes the code instead of parsing it: measured in a bare
 * process, RSS 83 -> 71 MiB, CPU 0.49-0.71 -> 0.45 s (bench/README.md,
 * "Memory per open notebook").
 *
 * The first executor without a cache compiles from source, makes one as it
 * does, and writes it after its first cell. V8 refuses a cache made by another
 * V8, under other flags or for a source of another length (`cachedDataRejected`):
 * then the source is compiled as usual and the cache removed, for the next
 * executor to make afresh. The cache is code that will run, so it lives in
 * a folder of this user's that nobody else may write, and any doubt (another
 * owner, loose permissions, a failed read) means compiling from source.
 */
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileFunction } from 'node:vm';

/** How TypeScript was loaded in this process: from the cache, from its source here, or not by this file. */
export type TypeScriptLoad = 'cache' | 'source' | 'not-preloaded';

const TS_FILE = require.resolve('typescript');

let loadedFrom: TypeScriptLoad = 'not-preloaded';
/** The code cache made while compiling from source, until it is written. */
let toCache: Buffer | undefined;

export function typeScriptLoad(): TypeScriptLoad {
  return loadedFrom;
}

/** Only this user may have written it: owned by us, no write bit for group or others, not a link. */
function ownedAndPrivate(path: string, kind: 'file' | 'dir'): boolean {
  const stat = lstatSync(path);
  const isKind = kind === 'dir' ? stat.isDirectory() : stat.isFile();
  return isKind && stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
}

/** The cache's path, in a folder made private to this user; undefined when no such folder can be had. */
function cachePath(): string | undefined {
  const folder = join(tmpdir(), `loom-code-cache-${process.getuid?.() ?? 'user'}`);
  try {
    mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  if (!ownedAndPrivate(folder, 'dir')) return undefined;
  const { version } = JSON.parse(readFileSync(join(dirname(TS_FILE), '..', 'package.json'), 'utf8')) as { version: string };
  return join(folder, `typescript-${version}-node-${process.version}-${process.arch}.v8cache`);
}

function readCache(path: string | undefined): Buffer | undefined {
  try {
    return path !== undefined && ownedAndPrivate(path, 'file') ? readFileSync(path) : undefined;
  } catch {
    return undefined; // none yet
  }
}

/** The parameters of a CommonJS module's function, as Node's loader passes them. */
const MODULE_PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname'];

/**
 * Puts typescript.js in require's cache, compiled with the code cache when
 * there is a usable one, so that every later `require('typescript')` gets it.
 * Compiled as a function (vm.compileFunction, as Node's own loader does), not
 * as a wrapped script: wrapping would copy the 9 MB source into a second string.
 * Call it before anything requires TypeScript; after, it does nothing. Any
 * failure before TypeScript runs leaves require() to load it itself.
 */
export function preloadTypeScript(): void {
  if (require.cache[TS_FILE]) return;
  let path: string | undefined;
  let compiled: ReturnType<typeof compileFunction>;
  try {
    path = cachePath();
    const cachedData = readCache(path);
    compiled = compileFunction(readFileSync(TS_FILE, 'utf8'), MODULE_PARAMETERS, { filename: TS_FILE, cachedData, produceCachedData: cachedData === undefined });
    const fromCache = cachedData !== undefined && compiled.cachedDataRejected !== true;
    loadedFrom = fromCache ? 'cache' : 'source';
    if (!fromCache && path !== undefined) toCache = compiled.cachedData;
    // Refused (another Node, other flags, damaged): removed, so that the next executor makes a fresh one.
    if (compiled.cachedDataRejected === true && path !== undefined) rmSync(path, { force: true });
  } catch {
    return;
  }
  const module = new Module(TS_FILE, undefined);
  module.filename = TS_FILE;
  require.cache[TS_FILE] = module;
  try {
    compiled.call(module.exports, module.exports, createRequire(TS_FILE), module, TS_FILE, dirname(TS_FILE));
    module.loaded = true;
  } catch (error) {
    // What require() would have thrown too; nothing half-run is left behind for it.
    delete require.cache[TS_FILE];
    loadedFrom = 'not-preloaded';
    toCache = undefined;
    throw error;
  }
}

/**
 * Writes the cache made while compiling from source, if there is one (once:
 * it is then dropped). Called after the executor's first cell, off the start's
 * path. Atomic: written beside, then renamed, so that an executor starting
 * meanwhile reads the old file or the new one, never half of one.
 */
export function saveTypeScriptCodeCache(): void {
  const data = toCache;
  toCache = undefined;
  const path = data && cachePath();
  if (!data || path === undefined) return;
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, path);
  } catch {
    // No cache this time: the next executor compiles from source, as now.
    rmSync(temporary, { force: true });
  }
}
