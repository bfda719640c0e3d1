/** Errors the executor throws into user code, named as Python's kernels name them. */
import { KernelError } from '../../errors.js';

/** The user interrupted the cell (Jupyter's interrupt button). */
export class KeyboardInterrupt extends KernelError {
  override readonly name = 'KeyboardInterrupt';
  readonly code = 'LOOM_KEYBOARD_INTERRUPT';

  constructor() {
    super('Interrupted');
  }
}

/** input() was called but the frontend cannot answer (allow_stdin is false). */
export class StdinNotImplementedError extends KernelError {
  override readonly name = 'StdinNotImplementedError';
  readonly code = 'LOOM_STDIN_NOT_IMPLEMENTED';

  constructor() {
    super('input() was called, but this frontend does not support input requests.');
  }
}

/** What vm's breakOnSigint throws when SIGINT arrives during synchronous cell code. */
export function isInterruption(thrown: unknown): boolean {
  return thrown instanceof KeyboardInterrupt
    || (thrown instanceof Error && (thrown as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED');
}
