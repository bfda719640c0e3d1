/**
 * An error thrown by a Thread's or a Process's run(), printed by the worker
 * itself when the host asks for that (hooks.reportErrorsInWorker), as
 * Python's threading.excepthook and multiprocessing's child do: a heading,
 * then the error with the frames of the user's code (loom's own frames and
 * Node's internals say nothing to the reader and are left out).
 */
import { dirname, sep } from 'node:path';
import { inspect } from 'node:util';
import { hooks } from '../hooks.js';

/** loom's own files (src/ of this build, or of the sources under tsx). */
const LOOM_DIR = `${dirname(dirname(__dirname))}${sep}`;

/** A stack line of loom or Node itself: `at f (/…/src/threading/thread.js:68:29)`, `at g (node:internal/…)`. */
function isInternalFrame(line: string): boolean {
  const where = /^\s+at (?:.*\()?([^()]*?)\)?$/.exec(line)?.[1];
  return where !== undefined && (where.startsWith('node:') || where.startsWith(LOOM_DIR));
}

export function describeError(error: unknown): string {
  return inspect(error).split('\n').filter((line) => !isInternalFrame(line)).join('\n');
}

/** Prints `heading` and the error to this worker's stderr when the host wants it done here; true when printed. */
export function reportErrorHere(heading: string, error: unknown): boolean {
  if (!hooks.reportErrorsInWorker) return false;
  try {
    process.stderr.write(`${heading}\n${describeError(error)}\n`);
    return true;
  } catch {
    return false;
  }
}
