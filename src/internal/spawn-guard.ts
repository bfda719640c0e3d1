/**
 * The chapter's warning about multiprocessing (13.3.1): a spawned Python child
 * re-imports the main module, and module-level code that starts processes
 * without an `if __name__ == '__main__':` guard starts them again, recursively.
 * A loom worker never re-runs the parent's script: functions travel by source.
 * Only a task given as `{filename, name}` makes a worker load a module, and if
 * that module starts processes or pools at its top level, the same recursion
 * would follow. Starting anything while a worker is loading such a module is
 * refused here, with the fix in the message; a nesting limit catches every
 * other way of recursing (a task that starts a pool running itself).
 */
import { RecursiveSpawnError } from '../errors.js';
import { processHooks } from './host/processes.js';

/** The module a worker is loading for a task, while it loads. */
let loading: string | undefined;

/** Loads a user module for a task, refusing process, pool and thread starts while its top level runs. */
export function whileLoadingUserModule<T>(file: string, load: () => T): T {
  const previous = loading;
  loading = file;
  try {
    return load();
  } finally {
    loading = previous;
  }
}

/** The same, for a module loaded with import() (ES modules). */
export async function whileImportingUserModule<T>(file: string, load: () => Promise<T>): Promise<T> {
  const previous = loading;
  loading = file;
  try {
    return await load();
  } finally {
    loading = previous;
  }
}

/** How deep this process is in a tree of loom processes: 0 in a process loom did not start. */
export function processDepth(): number {
  return Number(process.env.LOOM_PROCESS_DEPTH ?? 0) || 0;
}

/** Throws when starting `what` (e.g. "a Pool") here would recurse. */
export function guardSpawn(what: string, startsProcesses: boolean): void {
  if (loading !== undefined) {
    throw new RecursiveSpawnError(
      `${what} was started while a loom worker was loading ${loading} to find a task's function: that module starts ` +
        `${startsProcesses ? 'processes' : 'threads'} at its top level, and every worker that loads it would do the same, recursively. ` +
        'Put that code under a main check, `if (require.main === module) { ... }` (Python\'s `if __name__ == "__main__":`), ' +
        'or move the task function to a module of its own.',
    );
  }
  if (startsProcesses && processDepth() >= processHooks.maxProcessDepth) {
    throw new RecursiveSpawnError(
      `${what} would start processes ${processDepth() + 1} levels below the first one, more than the limit of ${processHooks.maxProcessDepth} (processHooks.maxProcessDepth from loom/host, or LOOM_MAX_PROCESS_DEPTH): ` +
        'a task or process that starts a pool running itself recurses without end. Raise the limit in the top process if the nesting is intended.',
    );
  }
}
