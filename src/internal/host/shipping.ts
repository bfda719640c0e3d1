/**
 * Shipping: what the free names of a function or class sent to a thread,
 * process or pool stand for, and where its require() resolves. Read by
 * internal/ship when code is sent; the kernel answers for notebook
 * declarations.
 */

/**
 * What a host says a free name of shipped code stands for (see `resolveDeclaration`):
 * - the source of a declaration, e.g. `const rate = 5;` or `function helper() {...}`;
 * - `{ value }`, the name's current value: a function or class travels as its
 *   source (with the declarations it uses), a loom shared object (Lock,
 *   Queue, Value, ...) is shared, anything else is copied as it is when the
 *   code is sent (structured clone);
 * - `{ module, imported }`, a binding of a module, which the worker requires
 *   itself: `imported` is 'default' (the module as `require` gives it), '*'
 *   (the namespace) or the name of an export.
 */
export type Declaration = string | { value: unknown } | { module: string; imported: string };

/**
 * Where the source of shipped code came from, so that frames of the code,
 * run in a thread or process, point there instead of at loom's reviver.
 * `line` and `column` (1-based) are where the source starts in `file`.
 * With `lines`, `lines[k]` is the line the source's k-th line (0-based) shows
 * as, and a frame reads `(FILE, line L)`: a notebook gives `file: 'cell 3'`
 * and the cell's lines, so frames read `(cell 3, line 2)`. Without, a frame
 * reads `(FILE:LINE:COLUMN)`, counted from `line` and `column`.
 */
export interface SourceOrigin {
  file: string;
  line: number;
  column: number;
  lines?: (number | undefined)[];
}

export interface ShipHooks {
  /**
   * What a free name of a function or class sent to a thread, process or
   * pool stands for (see Declaration), or undefined when the host does not
   * know it. Asked before globals and loom's own names, so a host's
   * declaration wins; the kernel answers for notebook declarations. What the
   * declaration itself uses is resolved the same way, recursively.
   * @default () => undefined
   */
  resolveDeclaration: (name: string) => Declaration | undefined;
  /**
   * Where `require()` inside shipped code resolves from (a file path: its
   * directory counts), and so the `{ module }` declarations. The kernel sets
   * the notebook's directory.
   * @default undefined: the main script (require.main), else the current directory
   */
  requireFrom: string | undefined;
  /**
   * Where the source of a function or class being shipped came from (see
   * SourceOrigin), or undefined when the host does not know it. Asked in the
   * thread that ships, for code a host compiled itself (the kernel answers for
   * code of cells); a function revived in this thread keeps the origin it came
   * with, and a plain script's files on the stack are searched when no one knows.
   * @default () => undefined
   */
  locateSource: (source: string) => SourceOrigin | undefined;
}

/** Mutable on purpose: a host assigns the fields it needs once at start-up. */
export const shipHooks: ShipHooks = {
  resolveDeclaration: () => undefined,
  requireFrom: undefined,
  locateSource: () => undefined,
};
