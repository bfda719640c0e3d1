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
}

/** Mutable on purpose: a host assigns the fields it needs once at start-up. */
export const shipHooks: ShipHooks = {
  resolveDeclaration: () => undefined,
  requireFrom: undefined,
};
