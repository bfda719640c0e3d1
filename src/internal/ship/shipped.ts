/** Code sent to another thread or process as source: the contract between ship.ts and revive-code.ts. */
export interface ShippedCode {
  /** One JavaScript expression that evaluates to the function or class. */
  expression: string;
  /** Declarations evaluated first, in the same scope: superclasses, declarations a host resolved (functions, classes, module requires). */
  prelude: string;
  /** Free names that are compiled imports of loom (`threading_1`, `import_threading`): bound to the loom namespace. */
  namespaces: string[];
  /**
   * Values a host declared that the code uses (notebook constants, a shared
   * Lock), by name, as encode() made them for the destination: copies, and
   * markers for shared objects. Absent when there are none.
   */
  values?: Record<string, unknown>;
  /** The function's or class's name, for messages. */
  name: string;
  /** Where `require()` inside the code resolves from (the starting script, or hooks.requireFrom). */
  requireFrom: string;
}

/** True when the code brought nothing a host declared: the same source always ships the same way. */
export function isSelfContained(code: ShippedCode): boolean {
  return code.prelude === '' && code.values === undefined;
}
