/**
 * The `ename`s the kernel gives errors in Jupyter messages, in one place:
 * clients, tests and the runner match on them, so they are protocol, not
 * wording. A cell's own errors are named by their class instead (see
 * executor/runtime/traceback.ts).
 */
export const ENAME = {
  /** A request whose content the kernel could not use; nothing ran. */
  BadRequest: 'BadRequest',
  /** The cell has type errors, so it did not run (a compile-time error, unlike TypeError). */
  TSError: 'TSError',
  /** TypeScript could not parse the cell, so it did not run. */
  SyntaxError: 'SyntaxError',
  /** The user interrupted the cell, as Python names it. */
  KeyboardInterrupt: 'KeyboardInterrupt',
  /** The cell threw something that is not an Error (`throw 42`). */
  Thrown: 'Thrown',
  /** The executor could not be started, so the cell did not run. */
  ExecutorUnavailable: 'ExecutorUnavailable',
  /** The executor process died while the cell ran. */
  ExecutorDied: 'ExecutorDied',
  /** The kernel shut down while the cell ran. */
  KernelShutdown: 'KernelShutdown',
  /** A failure with nothing better to name it by. */
  Error: 'Error',
} as const;

export type Ename = (typeof ENAME)[keyof typeof ENAME];
