/** Code sent to another thread or process: the contract between ship.ts and revive-code.ts, and pool/fn-ref.ts and entry/load-fn.ts. */
import type { SourceOrigin } from '../host/shipping.js';
import type { LoomUses } from './scope.js';

/**
 * Where one piece of shipped code (the function, a declaration it brought, a
 * superclass) came from. Positions count in the code the worker compiles:
 * `prelude`, a newline, then `return (expression);`.
 */
export interface PieceOrigin {
  /** 0-based line of that code where the piece's source starts. */
  line: number;
  /** 0-based column on that line where it starts. */
  column: number;
  /** How many lines the source spans. */
  lineCount: number;
  origin: SourceOrigin;
}

export interface ShippedCode {
  /** One JavaScript expression that evaluates to the function or class. */
  expression: string;
  /** Declarations evaluated first, in the same scope: superclasses, declarations a host resolved (functions, classes, module requires). */
  prelude: string;
  /**
   * The loom names the code reads, bare (`Lock`) or as members of a compiled
   * import of loom (`threading_1.Lock`, `import_threading.Lock`), with the
   * module to load each from; the worker loads those modules only.
   */
  loom: LoomUses;
  /**
   * Values a host declared that the code uses (notebook constants, a shared
   * Lock), by name, as encode() made them for the destination: copies, and
   * markers for shared objects. Absent when there are none.
   */
  values?: Record<string, unknown>;
  /** The function's or class's name, for messages. */
  name: string;
  /** Where `require()` inside the code resolves from (the starting script, or shipHooks.requireFrom). */
  requireFrom: string;
  /** Where its pieces came from, for the frames of errors thrown there; absent when nothing is known. */
  origins?: PieceOrigin[];
  /** The host's names the code reads that the worker binds as globals of their own (aliases.ts); absent when none. */
  aliases?: ShippedAliases;
}

/**
 * The names a host brought (its values, and the functions, classes and modules
 * the prelude declares) and where the code reads them, so the worker can
 * rename each use to a global of this revival's own (aliases.ts).
 */
export interface ShippedAliases {
  names: string[];
  /**
   * Each use, in source order: where its identifier ends in the compiled
   * body (`prelude`, a newline, `return (expression);`), the index of its
   * name, and 1 when it is also a shorthand property's key (`{ n }`).
   */
  uses: [end: number, name: number, shorthand: 0 | 1][];
}

/**
 * A pool task's function as data that crosses into a worker: code by source,
 * or a module export the worker loads (pool/fn-ref.ts makes it, entry/load-fn.ts
 * loads it).
 */
export type FnSpec = { code: ShippedCode } | { file: string; name: string };

/** True when the code brought nothing a host declared: the same source always ships the same way. */
export function isSelfContained(code: ShippedCode): boolean {
  return code.prelude === '' && code.values === undefined;
}
