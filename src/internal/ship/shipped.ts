/** Code sent to another thread or process as source: the contract between ship.ts and revive-code.ts. */
export interface ShippedCode {
  /** One JavaScript expression that evaluates to the function or class. */
  expression: string;
  /** Declarations evaluated first, in the same scope: superclasses, declarations a host resolved. */
  prelude: string;
  /** Free names that are compiled imports of loom (`threading_1`, `import_threading`): bound to the loom namespace. */
  namespaces: string[];
  /** The function's or class's name, for messages. */
  name: string;
  /** Where `require()` inside the code resolves from (the starting script). */
  requireFrom: string;
}
