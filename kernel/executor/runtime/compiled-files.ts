/**
 * The notebook's TypeScript files compiled once for every thread and process
 * of the executor: a disk cache of transpile/file.ts's output, by content.
 *
 * Why: the compiler is a large module, and a worker loads it at its first
 * TypeScript file (some 0.2 s on an idle machine, more on a busy one), so
 * a Pool of four whose task uses a cell's import of ./helper.ts would load it
 * four times before its first result. The executor has compiled those files
 * already, as the cell imported them (ts-hooks.ts compiles them for require()
 * too, after the import), and a worker reads that output instead.
 *
 * The key is a hash of everything the output depends on: the file's text and
 * path (its inline source map names it), the format, the compiler's version
 * and transpile/file.ts itself (its options), so an entry is never stale.
 * The folder is the user's own (mode 0700, checked), written atomically
 * (a temporary file renamed), and any failure just means compiling. Entries
 * written over a month ago are deleted, looked for at most once a day, in the
 * background: a file still in use is compiled again, once.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readdir, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { preloadTypeScript } from './ts-code-cache.js';

type Format = 'module' | 'commonjs';
type File = typeof import('../../transpile/file.js');

let file: File | undefined;
let folder: string | undefined | null;
let inputs: string | undefined;

/** transpile/file.ts's transpileFile, through the cache. */
export function compileFile(source: string, fileName: string, format: Format): string {
  const entry = cacheEntry(source, fileName, format);
  if (entry !== undefined) {
    try {
      return readFileSync(entry, 'utf8');
    } catch {
      // not compiled yet
    }
  }
  if (!file) {
    preloadTypeScript(); // from its code cache, if no cell has loaded it yet
    file = require('../../transpile/file.js') as File;
  }
  const output = file.transpileFile(source, fileName, format);
  if (entry !== undefined) store(entry, output);
  return output;
}

function cacheEntry(source: string, fileName: string, format: Format): string | undefined {
  const dir = cacheFolder();
  if (dir === undefined) return undefined;
  try {
    inputs ??= compilerInputs();
  } catch {
    return undefined; // the compiler's version cannot be read: compile, and let the compiler say what is wrong
  }
  const key = createHash('sha256').update(inputs).update(`\0${format}\0${fileName}\0`).update(source).digest('hex');
  return join(dir, `${key}.js`);
}

/** The compiler's version and the options file.ts gives it. */
function compilerInputs(): string {
  const version = (JSON.parse(readFileSync(require.resolve('typescript/package.json'), 'utf8')) as { version: string }).version;
  return `${version}\0${readFileSync(require.resolve('../../transpile/file.js'), 'utf8')}`;
}

/** This user's cache folder, made if need be; undefined when it is not safely ours (then nothing is cached). */
function cacheFolder(): string | undefined {
  if (folder !== undefined) return folder ?? undefined;
  const dir = join(tmpdir(), `loom-ts-${process.getuid?.() ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = statSync(dir);
    const ours = stat.isDirectory() && (process.getuid === undefined || stat.uid === process.getuid()) && (stat.mode & 0o077) === 0;
    folder = ours ? dir : null;
    if (ours) void pruneOldEntries(dir).catch(() => {});
  } catch {
    folder = null;
  }
  return folder ?? undefined;
}

function store(entry: string, output: string): void {
  const temporary = `${entry}.${process.pid}.${threadId}.tmp`;
  try {
    writeFileSync(temporary, output, { mode: 0o600 });
    renameSync(temporary, entry);
  } catch {
    // a full disk or a read-only folder: the next thread compiles it again
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;
const KEEP_MS = 30 * DAY_MS;

/** Deletes entries older than KEEP_MS, when the last look (the mtime of `.pruned`) is a day old. */
async function pruneOldEntries(dir: string): Promise<void> {
  const marker = join(dir, '.pruned');
  const now = Date.now();
  const last = await stat(marker).then((s) => s.mtimeMs, () => 0);
  if (now - last < DAY_MS) return;
  await writeFile(marker, '');
  await utimes(marker, new Date(now), new Date(now));
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.js')) continue;
    const entry = join(dir, name);
    const { mtimeMs } = await stat(entry);
    if (now - mtimeMs > KEEP_MS) await unlink(entry).catch(() => {});
  }
}
