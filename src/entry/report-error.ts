/**
 * An error thrown by a Thread's or a Process's run(), printed by the worker
 * itself when the host asks for that (outputHooks.reportErrorsInWorker), as
 * Python's threading.excepthook and multiprocessing's child do: a heading,
 * then the error with the frames of the user's code (loom's own frames and
 * Node's internals say nothing to the reader and are left out; frames of
 * shipped code point at where it came from, a cell's line or a script's).
 */
import { inspect } from 'node:util';
import { outputHooks } from '../internal/host/output.js';
import { readableStack } from '../internal/stack-frames.js';

/** The error as util.inspect shows it (fields, causes), its frames made readable (internal/stack-frames.ts). */
export function describeError(error: unknown): string {
  return readableStack(inspect(error));
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
