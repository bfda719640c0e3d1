/**
 * The kernel's own error classes share this base: each has a stable `code`
 * to branch on (in the style of loom's `ERR_LOOM_*` codes in src/errors.ts)
 * and is named for its class, so none prints as a plain "Error".
 */

/** Every kernel error carries one of these codes. */
export type KernelErrorCode =
  | 'ERR_LOOM_USAGE'
  | 'ERR_LOOM_SPEC_INPUT'
  | 'ERR_LOOM_CONNECTION_FILE'
  | 'ERR_LOOM_FIND_NOTEBOOKS'
  | 'ERR_LOOM_ANSWERS'
  | 'ERR_LOOM_NOTEBOOK'
  | 'ERR_LOOM_CELL_SYNTAX'
  // Thrown into user cells, where notebooks may already test for these two; kept as they were.
  | 'LOOM_KEYBOARD_INTERRUPT'
  | 'LOOM_STDIN_NOT_IMPLEMENTED';

export abstract class KernelError extends Error {
  /** Stable identifier of the condition, e.g. `ERR_LOOM_USAGE`. */
  abstract readonly code: KernelErrorCode;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    // An own property, not a getter, so a subclass may still declare `name` as a field.
    Object.defineProperty(this, 'name', { value: new.target.name, writable: true, configurable: true });
  }
}
