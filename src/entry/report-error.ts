/**
 * An error thrown by a Thread's or a Process's run(), printed by the worker
 * itself when the host asks for that (outputHooks.reportErrorsInWorker), as
 * Python's threading.excepthook and multiprocessing's child do: a heading,
 * then the error with the frames of the user's code (loom's own frames and
 * Node's internals say nothing to the reader and are left out).
 */
import { dirname, sep } from 'node:path';
import { inspect } from 'node:util';
import { outputHooks } from '../internal/host/output.js';

/** loom's own files: the library (src/) and its kernel (kernel/), of this build or of the sources under tsx. */
const ROOT = dirname(dirname(dirname(__dirname)));
const LOOM_DIRS = [`${ROOT}${sep}src${sep}`, `${ROOT}${sep}kernel${sep}`];

/** A stack line of loom or Node itself: `at f (/…/src/threading/thread.js:68:29)`, `at g (node:internal/…)`. */
function isInternalFrame(line: string): boolean {
  const where = /^\s+at (?:.*\()?([^()]*?)\)?(?: \{)?$/.exec(line)?.[1];
  return where !== undefined && (where.startsWith('node:') || LOOM_DIRS.some((dir) => where.startsWith(dir)));
}

export function describeError(error: unknown): string {
  const kept: string[] = [];
  for (const line of inspect(error).split('\n')) {
    if (!isInternalFrame(line)) kept.push(line);
    // The last frame opens the error's own fields (`at f (…) {`): the brace stays.
    else if (line.endsWith(' {') && kept.length > 0) kept[kept.length - 1] += ' {';
  }
  return kept.join('\n');
}

/** Prints `heading` and the error to this worker's stderr when the host wants it done here; true when printed. */
export function reportErrorHere(heading: string, error: unknown): boolean {
  if (!outputHooks.reportErrorsInWorker) return false;
  try {
    process.stderr.write(`${heading}\n${describeError(error)}\n`);
    return true;
  } catch {
    return false;
  }
}
