/**
 * Which frames of a stack are loom's own: its library (built, or its .ts
 * sources when source maps are on), its kernel, the packages it brought
 * (piscina...), and Node's internals. Those frames are machinery, not lines
 * a reader can find, and they carry the install's absolute paths; reports
 * leave them out unless the debug setting asks for everything.
 */
import { basename, dirname, resolve, sep } from 'node:path';

/** The package's root: this file is src/internal/ of it, built (dist/src/internal) or run as source. */
function packageRoot(): string {
  const above = resolve(__dirname, '..', '..');
  return basename(above) === 'dist' ? dirname(above) : above;
}

const ROOT = packageRoot();
const LOOM_DIRS = ['dist/src', 'dist/kernel', 'src', 'kernel', 'node_modules'].map((dir) => `${ROOT}${sep}${dir.replace('/', sep)}${sep}`);

/** Where a stack line points: `at f (WHERE:1:2)`, `at WHERE:1:2`, `at f (eval at g (WHERE2), WHERE:1:2)`. */
function locationOf(line: string): string | undefined {
  const match = /^\s*at (?:.*?\()?(.*?)\)?(?: \{)?$/.exec(line);
  return match?.[1];
}

/** True for a frame (`    at ...`) of loom itself or of Node's internals. */
export function isLoomFrame(line: string): boolean {
  const where = locationOf(line);
  if (where === undefined) return false;
  if (/^(node:|internal\/)/.test(where)) return true;
  return isLoomFile(where.startsWith('file://') ? decodeURIComponent(where.slice('file://'.length)) : where);
}

/** piscina runs a thread pool's tasks: its frames are under every task, wherever npm put it (hoisted beside loom). */
const POOL_PACKAGE = `${sep}node_modules${sep}piscina${sep}`;

/** True for a path inside loom's own files (not a user's script). */
export function isLoomFile(path: string): boolean {
  return LOOM_DIRS.some((dir) => path.startsWith(dir)) || path.includes(POOL_PACKAGE);
}

/**
 * The debug setting: `LOOM_FULL_TRACEBACK=1` in the environment (or
 * `process.env.LOOM_FULL_TRACEBACK = '1'` in a cell) keeps every frame,
 * loom's and Node's included, in the errors of workers and in the kernel's
 * tracebacks. Read when an error is formatted; threads and processes copy the
 * environment when they start.
 */
export function showsFullTraceback(): boolean {
  const value = process.env.LOOM_FULL_TRACEBACK;
  return value !== undefined && value !== '' && value !== '0';
}
