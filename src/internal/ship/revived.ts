/**
 * The code revived in this thread, by the name its frames carry
 * (`loom-ship-N`: revive-code.ts ends each body with a sourceURL), with the
 * origins of its pieces. A frame `at risky (loom-ship-7:6:15)` is read back
 * as `at risky (cell 1, line 3)` (stack-frames.ts), and a function of that
 * code shipped on from here (a Thread that starts a Process) keeps its first
 * origin (findRevived). Per thread, and bounded: a pool's worker lives long
 * and may revive a function at every call.
 */
import type { SourceOrigin } from '../host/shipping.js';
import type { PieceOrigin } from './shipped.js';
import type { AliasEdit } from './aliases.js';

/** Lines before the shipped code in a revived function: V8's `function anonymous(...` and `) {`, then the block's `{`. */
const HEADER_LINES = 3;
/** Revived code remembered per thread: the newest are the ones whose errors are still being thrown. */
const KEPT = 256;

interface Revived {
  code: string;
  origins: PieceOrigin[];
  /** The code as compiled, when its names were aliased (aliases.ts): the insertions that made it, and each global with the name it stands for. */
  aliased?: { body: string; edits: AliasEdit[]; globals: [global: string, name: string][] };
}

const revived = new Map<string, Revived>();
let count = 0;

/**
 * The sourceURL to compile `code` under, remembering where its pieces came
 * from and, when its names were aliased, the body compiled instead.
 */
export function nameRevived(code: string, origins: PieceOrigin[] | undefined, aliased?: Revived['aliased']): string {
  const name = `loom-ship-${++count}`;
  if ((origins !== undefined && origins.length > 0) || aliased !== undefined) {
    if (revived.size >= KEPT) revived.delete(revived.keys().next().value!);
    revived.set(name, { code, origins: origins ?? [], aliased });
  }
  return name;
}

/**
 * `text` (an error's message or stack) with the aliases of code revived here
 * written as the names they stand for: V8 quotes the code in messages
 * (`data.missing is not a function`), and the invisible suffix would make the
 * text differ from what it shows.
 */
export function withoutAliases(text: string): string {
  if (!text.includes('\u200C')) return text;
  // Longest first: one revival's suffix may begin with another's.
  const globals = [...revived.values()].flatMap((entry) => entry.aliased?.globals ?? []).sort((a, b) => b[0].length - a[0].length);
  for (const [global, name] of globals) if (text.includes(global)) text = text.replaceAll(global, name);
  return text;
}

/** 1-based `column` of 0-based `line` of the aliased body, as a column of the code shipped. */
function unaliasedColumn(entry: Revived, line: number, column: number): number {
  if (entry.aliased === undefined) return column;
  const { body, edits } = entry.aliased;
  let lineStart = 0;
  for (let k = 0; k < line && lineStart !== -1; k++) lineStart = body.indexOf('\n', lineStart) + 1 || -1;
  const at = lineStart + column - 1;
  const inserted = edits.filter((e) => e.renamedAt >= lineStart && e.renamedAt < at).reduce((sum, e) => sum + Math.min(e.length, at - e.renamedAt), 0);
  return column - inserted;
}

/**
 * `source` as it was shipped, when it is part of code revived here whose
 * names were aliased (a revived function's own text names the aliases);
 * anything else as it is.
 */
export function unaliased(source: string): string {
  if (!/[\u200C\u200D]/.test(source)) return source;
  for (const entry of [...revived.values()].reverse()) {
    const index = entry.aliased?.body.indexOf(source) ?? -1;
    if (index === -1) continue;
    let text = '';
    let last = index;
    for (const edit of entry.aliased!.edits) {
      if (edit.renamedAt < index || edit.renamedAt >= index + source.length) continue;
      text += entry.aliased!.body.slice(last, edit.renamedAt);
      last = edit.renamedAt + edit.length;
    }
    return text + entry.aliased!.body.slice(last, index + source.length);
  }
  return source;
}

/** 0-based line and column of `index` in `text`. */
export function positionAt(text: string, index: number): { line: number; column: number } {
  let line = 0;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: index - lineStart };
}

/** The origin of a source that starts `line` lines and `column` columns (0-based) into a piece from `origin`. */
export function shiftOrigin(origin: SourceOrigin, line: number, column: number): SourceOrigin {
  const shifted: SourceOrigin = { file: origin.file, line: origin.line + line, column: line === 0 ? origin.column + column : column + 1 };
  if (origin.lines) shifted.lines = origin.lines.slice(line);
  return shifted;
}

/** `cell 1, line 3` or `/path/script.js:9:15`: where 1-based `column` of the piece's line `line` (0-based) is. */
export function describeOrigin(origin: SourceOrigin, line: number, column: number): string {
  if (origin.lines) {
    const shown = origin.lines[line];
    return shown === undefined ? origin.file : `${origin.file}, line ${shown}`;
  }
  return `${origin.file}:${origin.line + line}:${line === 0 ? origin.column + column - 1 : column}`;
}

function pieceAt(entry: Revived, line: number): PieceOrigin | undefined {
  return entry.origins.find((piece) => line >= piece.line && line < piece.line + piece.lineCount);
}

/** Where 1-based line and column of revived code `name` came from, or undefined when unknown. */
export function locateRevived(name: string, line: number, column: number): string | undefined {
  const entry = revived.get(name);
  if (entry === undefined) return undefined;
  const codeLine = line - HEADER_LINES - 1;
  const piece = pieceAt(entry, codeLine);
  if (piece === undefined) return undefined;
  const k = codeLine - piece.line;
  const shipped = unaliasedColumn(entry, codeLine, column);
  return describeOrigin(piece.origin, k, k === 0 ? shipped - piece.column : shipped);
}

/** A revived code's pieces, for a debugger: which lines of `name`'s script came from where. */
export interface RevivedLines {
  /** Lines of the script before the shipped code. */
  headerLines: number;
  /** Each piece: its first line in the shipped code (0-based), its origin's file (`cell 3`), and each of its lines' line there. */
  pieces: { line: number; lineCount: number; file: string; lines: (number | undefined)[] }[];
}

/** The pieces of code revived in this thread under `name` (`loom-ship-7`) whose origin lines are known. */
export function revivedLines(name: string): RevivedLines | undefined {
  const entry = revived.get(name);
  if (entry === undefined) return undefined;
  const pieces = entry.origins.filter((piece) => piece.origin.lines !== undefined)
    .map((piece) => ({ line: piece.line, lineCount: piece.lineCount, file: piece.origin.file, lines: piece.origin.lines! }));
  return { headerLines: HEADER_LINES, pieces };
}

const SHIPPED_FRAME = /\b(loom-ship-\d+):(\d+):(\d+)/;

/** A line of a stack with its frame of shipped code (`loom-ship-7:6:15`) at the place it came from; other lines as they are. */
export function mapShippedFrame(line: string): string {
  const match = SHIPPED_FRAME.exec(line);
  if (match === null) return line;
  const where = locateRevived(match[1]!, Number(match[2]), Number(match[3]));
  return where === undefined ? line : line.replace(match[0], where);
}

/** The origin of `source` when it is part of code revived in this thread (newest first). */
export function findRevived(source: string): SourceOrigin | undefined {
  for (const entry of [...revived.values()].reverse()) {
    const index = entry.code.indexOf(source);
    if (index === -1) continue;
    const at = positionAt(entry.code, index);
    const piece = pieceAt(entry, at.line);
    if (piece === undefined) continue;
    const k = at.line - piece.line;
    return shiftOrigin(piece.origin, k, k === 0 ? at.column - piece.column : at.column);
  }
  return undefined;
}
