/**
 * The child processes loom starts (Process, process pools): what each
 * requires first and how deep a tree of them may grow. Read where processes
 * are started and passed on by every child to its own children.
 */

export interface ProcessHooks {
  /**
   * Absolute paths of modules every new loom child process requires before
   * anything else, e.g. one that routes console output to a notebook cell
   * (see entry/process-output.ts for where child output goes).
   * A child passes the list on to its own children.
   * @default []
   */
  processPreload: string[];
  /**
   * How many levels of loom processes may start below the first one; a
   * process or pool started deeper throws RecursiveSpawnError, so a task that
   * starts a pool running itself cannot multiply processes without end.
   * Children inherit the limit of the process that started the tree.
   * @default 4, or the LOOM_MAX_PROCESS_DEPTH environment variable
   */
  maxProcessDepth: number;
}

/** Mutable on purpose: a host assigns the fields it needs once at start-up. */
export const processHooks: ProcessHooks = {
  processPreload: [],
  maxProcessDepth: Number(process.env.LOOM_MAX_PROCESS_DEPTH) || 4,
};
