/**
 * The host's names that shipped code reads (a notebook's constants, and the
 * functions, classes and modules brought along with it) become globals of
 * the worker, each revival's under names of its own, so a loop in the worker
 * runs as fast as on the main thread.
 *
 * Why: V8's optimising compiler folds a global that never changes (a script's
 * top-level binding read from another script, or a global object's property)
 * into the code as a constant, and inlines a global function it calls. A name
 * bound in an enclosing function (new Function's parameters, or a `const` in
 * its body: what revive-code.ts did before) is read from that function's
 * context at every use: a loop that compares with a notebook's `LOOPS` on
 * every step took twice as long in a worker as on the main thread, where a
 * cell's top-level bindings are globals (bench/kernel.ts has the rows).
 *
 * A worker revives many functions over its life, and two revivals may bind
 * the same name to different values, so each revival renames its uses:
 * `LOOPS` becomes `LOOPS` followed by invisible joiners (U+200C and U+200D,
 * which JavaScript allows inside a name), a suffix of this revival alone. A
 * renamed use prints as the name the user wrote, in error messages too
 * (`helper is not a function`); revived.ts maps the columns of frames back,
 * and gives the source as shipped when a revived function is shipped on.
 * A shorthand property keeps its key: `{ LOOPS }` becomes `{ LOOPS: LOOPS‌ }`.
 *
 * The ship side (aliasesOf) says where the uses are; the worker
 * (aliasBody, defineAlias) renames them and defines the globals, which live as
 * long as the worker: only code revived once per worker, or once per
 * function a pool's worker keeps anyway, is aliased (revive-code.ts).
 */
import type { SourceFacts } from './free-names.js';
import type { ShippedAliases } from './shipped.js';

/** The scope's name of the function that defines a prelude declaration's global. */
export const ALIAS_HELPER = '__loom_alias';

/** A prelude entry as ship.ts made it: what it reads (facts of its text from offset `at`) and the name it declares. */
export interface Piece {
  facts: SourceFacts | undefined;
  at: number;
  declares?: string;
}

/** Where `return (expression);` puts the `(` the expression's facts count from. */
const EXPRESSION_AT = 'return '.length;

/**
 * The aliases of a shipment, or undefined when it reads no host name. Appends
 * to each prelude entry that declares an aliased name the call that defines
 * its global (on the entry's last line, so no piece moves).
 */
export function aliasesOf(prelude: string[], pieces: Piece[], values: string[], expression: SourceFacts): ShippedAliases | undefined {
  const candidates = new Set([...values, ...pieces.flatMap((p) => (p.declares === undefined ? [] : [p.declares]))]);
  if (candidates.size === 0) return undefined;
  const names: string[] = [];
  const index = new Map<string, number>();
  const found: { piece: number; end: number; name: number; shorthand: 0 | 1 }[] = [];
  const collect = (facts: SourceFacts | undefined, at: number, piece: number): void => {
    for (const ref of facts?.references ?? []) {
      if (!candidates.has(ref.name)) continue;
      let i = index.get(ref.name);
      if (i === undefined) index.set(ref.name, (i = names.push(ref.name) - 1));
      found.push({ piece, end: at + ref.end, name: i, shorthand: ref.shorthand ? 1 : 0 });
    }
  };
  pieces.forEach((p, i) => collect(p.facts, p.at, i));
  collect(expression, EXPRESSION_AT, pieces.length);
  if (names.length === 0) return undefined;
  pieces.forEach((p, i) => {
    const name = p.declares === undefined ? undefined : index.get(p.declares);
    if (name !== undefined) prelude[i] += ` ${ALIAS_HELPER}(${name}, ${p.declares});`;
  });
  // Offsets in the body: the entries one per line, then `return (expression);`.
  const starts: number[] = [];
  let offset = 0;
  for (const text of prelude) {
    starts.push(offset);
    offset += text.length + 1;
  }
  starts.push(prelude.length === 0 ? 1 : offset);
  return { names, uses: found.map((u) => [starts[u.piece]! + u.end, u.name, u.shorthand]) };
}

/** One insertion into the body: at `at` of the original, `renamedAt` of the renamed, `length` characters. */
export interface AliasEdit {
  at: number;
  renamedAt: number;
  length: number;
}

/** Revivals aliased in this thread: each one's suffix is the binary digits of its number. */
let revivals = 0;

function suffixOf(n: number): string {
  return `\u200C${n.toString(2).replaceAll('0', '\u200C').replaceAll('1', '\u200D')}`;
}

/** In the worker: the body with every use renamed, the globals' names (by name index) and the edits made. */
export function aliasBody(body: string, aliases: ShippedAliases): { body: string; globals: string[]; edits: AliasEdit[] } {
  let suffix: string;
  do suffix = suffixOf(++revivals);
  while (aliases.names.some((name) => name + suffix in globalThis || body.includes(name + suffix)));
  const globals = aliases.names.map((name) => name + suffix);
  const edits: AliasEdit[] = [];
  let renamed = '';
  let last = 0;
  for (const [end, name, shorthand] of aliases.uses) {
    const text = shorthand ? `: ${globals[name]!}` : suffix;
    renamed += body.slice(last, end) + text;
    edits.push({ at: end, renamedAt: renamed.length - text.length, length: text.length });
    last = end;
  }
  return { body: renamed + body.slice(last), globals, edits };
}

/** Binds a global of a revival: writable, as the parameter it replaces was, and left out of enumerations. */
export function defineAlias(global: string, value: unknown): void {
  Object.defineProperty(globalThis, global, { value, writable: true, enumerable: false, configurable: true });
}
