/**
 * The checker's start-up snapshot on disk: where it is, whether it is still
 * good, and building it (snapshot-entry.ts says what it holds).
 *
 * A snapshot only works with the Node binary that built it, and it holds the
 * checker's compiled files, the compiler and the declarations it parsed. So
 * each snapshot has a manifest beside it: the Node binary and version, and
 * the size and modification time of every file that went into it. A kernel
 * starts its checker from the snapshot only when all of those are unchanged;
 * otherwise the checker starts the ordinary way and a new snapshot is built
 * in the background, at low priority, for the next kernel (a few seconds of
 * one core; about 45 MB on disk).
 *
 * The folder is the user's own (mode 0700, checked, as the executor's compile
 * cache is: a snapshot is code that runs), files are written under temporary
 * names and renamed, and the manifest names the blob it belongs to, so a
 * reader sees an old complete pair or a new complete pair. One build runs at
 * a time (a lock file; one older than LOCK_STALE_MS is taken over).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, setPriority } from 'node:os';
import { extname, join } from 'node:path';

/**
 * The checker process's V8 flags. A snapshot works only with the flags it was
 * built with, so they are the same for both.
 *
 * A runaway compiler should crash the checker (and be replaced), not the
 * kernel. The limit also sets how lazily V8 collects: every check makes a new
 * program, and with 2 GiB allowed the old ones piled up, the RSS doubling over a
 * 2,500-cell soak (npm run soak) with no leak behind it; at 512 MiB it stays
 * flat. The compiler with lib and @types/node needs ~150.
 *
 * The young generation is capped at 4 MiB semispaces (V8's default grows to
 * 16): a check's garbage is short-lived, and 200 new-declaration cells took
 * the same CPU with the cap while the process's RSS was 28-32 MiB lower
 * (bench/README.md, "Memory per open notebook").
 */
export const CHECKER_V8_FLAGS = ['--max-old-space-size=512', '--max-semi-space-size=4'];

/** The script a snapshot is built from. */
const ENTRY = join(__dirname, 'snapshot-entry.js');
const LOCK_STALE_MS = 5 * 60_000;

interface Manifest {
  node: string;
  execPath: string;
  blob: string;
  files: [path: string, size: number, mtimeMs: number][];
}

/** The user's folder for snapshots, made if need be; undefined when it is not safely theirs. */
export function defaultSnapshotFolder(): string | undefined {
  const dir = join(tmpdir(), `loom-checker-${process.getuid?.() ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = statSync(dir);
    const ours = stat.isDirectory() && (process.getuid === undefined || stat.uid === process.getuid()) && (stat.mode & 0o077) === 0;
    return ours ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Names this install of the checker with this Node binary: one snapshot, and one shared checker, each. */
function installKey(): string {
  return createHash('sha256').update(`${ENTRY}\0${process.execPath}\0${process.version}\0${process.arch}\0${CHECKER_V8_FLAGS.join(' ')}`).digest('hex').slice(0, 16);
}

/** This install's manifest in `dir`. */
function manifestPath(dir: string): string {
  return join(dir, `checker-${installKey()}.json`);
}

/** Longest path a Unix socket may have on Linux (108 bytes with the final NUL). */
const SOCKET_PATH_MAX = 107;

/** Where this install's shared checker listens in `dir` (shared-server.ts), or undefined when the path is too long for a socket. */
export function sharedSocketPath(dir: string): string | undefined {
  const path = join(dir, `checker-${installKey()}.sock`);
  return Buffer.byteLength(path) <= SOCKET_PATH_MAX ? path : undefined;
}

/** The snapshot to start the checker from, or undefined when there is none or it was built from other files. */
export function usableSnapshot(dir: string): string | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath(dir), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.node !== process.version || manifest.execPath !== process.execPath) return undefined;
  for (const [path, size, mtimeMs] of manifest.files) {
    try {
      const stat = statSync(path);
      if (stat.size !== size || stat.mtimeMs !== mtimeMs) return undefined;
    } catch {
      return undefined;
    }
  }
  const blob = join(dir, manifest.blob);
  return existsSync(blob) ? blob : undefined;
}

/**
 * Starts buildSnapshot in a process of its own (snapshot-build.ts) that
 * outlives the kernel if need be, so the next kernel finds a snapshot even
 * when this one was shut down at once. That process leaves the kernel's
 * family at once (it starts the build detached and exits).
 */
export function buildSnapshotInBackground(dir: string): void {
  try {
    // From sources (tsx), the child needs the same loader.
    const flags = extname(__filename) === '.ts' ? process.execArgv : [];
    const child = spawn(process.execPath, [...flags, join(__dirname, `snapshot-build${extname(__filename)}`), dir], {
      stdio: 'ignore',
      // Its own process group: a client that kills the kernel's group does not cut a build short.
      detached: true,
    });
    child.on('error', () => {}); // not started: the checker keeps starting the ordinary way
    child.unref();
  } catch {
    // as above
  }
}

/**
 * Builds this install's snapshot into `dir` in a child process at low
 * priority, unless another build holds the lock. Resolves with the blob, or
 * undefined when the build was skipped or failed (the checker then keeps
 * starting the ordinary way).
 */
export function buildSnapshot(dir: string): Promise<string | undefined> {
  const manifestFile = manifestPath(dir);
  const lock = `${manifestFile}.lock`;
  if (!takeLock(lock)) return Promise.resolve(undefined);
  const id = `${process.pid}-${Date.now()}`;
  const blobName = `checker-${id}.blob`;
  const listFile = join(dir, `checker-${id}.loaded`);
  const wrapper = join(dir, `checker-${id}.entry.js`);
  writeFileSync(wrapper, wrapperScript(), { mode: 0o600 });
  const child = spawn(process.execPath, [...CHECKER_V8_FLAGS, '--snapshot-blob', join(dir, blobName), '--build-snapshot', wrapper], {
    stdio: ['ignore', 'ignore', 'ignore'],
    env: { ...process.env, LOOM_CHECKER_LOADED: listFile },
  });
  try {
    if (child.pid !== undefined) setPriority(child.pid, 10);
  } catch {
    // Not allowed here: it builds at the usual priority.
  }
  return new Promise((resolve) => {
    const finish = (blob: string | undefined): void => {
      rmSync(listFile, { force: true });
      rmSync(wrapper, { force: true });
      rmSync(lock, { force: true });
      if (blob === undefined) rmSync(join(dir, blobName), { force: true });
      resolve(blob);
    };
    child.once('error', () => finish(undefined));
    child.once('exit', (code) => {
      if (code !== 0) return finish(undefined);
      try {
        const files = readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
        writeManifest(manifestFile, { node: process.version, execPath: process.execPath, blob: blobName, files: files.map(fileStamp) });
        removeOtherBlobs(dir, blobName);
        finish(join(dir, blobName));
      } catch {
        finish(undefined);
      }
    });
  });
}

/**
 * The script given to --build-snapshot: it runs snapshot-entry.js as a
 * CommonJS file. Node runs that script with require() but no `exports`, which
 * every file TypeScript compiles here starts by writing to.
 */
function wrapperScript(): string {
  return `'use strict';
const { readFileSync } = require('node:fs');
const { runInThisContext } = require('node:vm');
const entry = ${JSON.stringify(ENTRY)};
const run = runInThisContext('(function (exports, require, __filename, __dirname) {' + readFileSync(entry, 'utf8') + '\\n})', { filename: entry });
run({}, require, entry, ${JSON.stringify(__dirname)});
`;
}

function fileStamp(path: string): [string, number, number] {
  const stat = statSync(path);
  return [path, stat.size, stat.mtimeMs];
}

function writeManifest(file: string, manifest: Manifest): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(manifest));
  renameSync(temporary, file);
}

/** Blobs no manifest of this install names any more (a kernel starting from one has read it already). */
function removeOtherBlobs(dir: string, keep: string): void {
  const named = new Set<string>([keep]);
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      named.add((JSON.parse(readFileSync(join(dir, name), 'utf8')) as Manifest).blob);
    } catch {
      // not a manifest
    }
  }
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.blob') || named.has(name)) continue;
    try {
      // A blob that young may be another install's build, not in its manifest yet.
      if (Date.now() - statSync(join(dir, name)).mtimeMs > LOCK_STALE_MS) rmSync(join(dir, name), { force: true });
    } catch {
      // gone already
    }
  }
}

function takeLock(lock: string): boolean {
  try {
    closeSync(openSync(lock, 'wx'));
    return true;
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs < LOCK_STALE_MS) return false;
      writeFileSync(lock, '');
      return true;
    } catch {
      return false;
    }
  }
}
