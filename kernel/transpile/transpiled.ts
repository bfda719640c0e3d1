/**
 * A cell as transpiled (cell.ts), in the form that travels: the kernel's type
 * checker transpiles each cell it checks (it has the compiler loaded) and the
 * executor runs what it was sent, so the executor loads TypeScript only for a
 * cell that came without it (a silent one, or when the checker is down) and
 * for the .ts files cells import. This file imports nothing of TypeScript's.
 *
 * The executor asks for a cell's transpiled form several times (to run it,
 * for its declarations, for a traceback's lines): the recent ones are kept
 * (kernel/executor/runtime/cell-scripts.ts).
 */
import { SourceMap, type SourceMapPayload } from 'node:module';
import type { CellCompletion } from './top-level-scope.js';
import type { ImportBinding } from './import-bindings.js';

export type { CellCompletion, ImportBinding };

/** A place in the cell, 1-based like an editor shows it. */
export interface CellPosition {
  line: number;
  column: number;
}

export interface CellSyntaxError extends CellPosition {
  message: string;
}

/** What the transpile produced, as data (what the checker sends). */
export interface CompiledCell {
  /** The script; its completion value is a Promise<CellCompletion | undefined>. */
  code: string;
  /** When not empty, `code` must not be run. */
  syntaxErrors: CellSyntaxError[];
  /** The globals the cell declares (its top-level bindings), in no particular order. */
  declarations: string[];
  /** Those of them bound to a module (`import fs from 'node:fs'`, `const x = require('m')`). */
  imports: ImportBinding[];
  /** The source map from `code` to the cell, as JSON. */
  map: string;
}

export interface TranspiledCell extends CompiledCell {
  /**
   * Maps a 1-based line and column of `code` to the cell; undefined for the
   * wrapper's own code. Without a column: where the line's code starts.
   */
  toCell(line: number, column?: number): CellPosition | undefined;
}

/** Cells are re-run often, and a transpile costs about a millisecond: remember the recent ones. */
const recent = new Map<string, TranspiledCell>();
const RECENT_LIMIT = 256;

/** The cell `source` as transpiled recently (here, or by the checker: remember), if it was. */
export function recentCell(source: string): TranspiledCell | undefined {
  return recent.get(source);
}

/** Keeps a cell transpiled here or elsewhere (the checker), for recentCell(source). */
export function remember(source: string, compiled: CompiledCell): TranspiledCell {
  const cell = withPositions(compiled);
  recent.set(source, cell);
  if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value!);
  return cell;
}

function withPositions(compiled: CompiledCell): TranspiledCell {
  return { ...compiled, toCell: cellPositions(compiled) };
}

/**
 * Maps a line (and column) of the cell's code to the cell's, through the
 * source map. What it parses is kept by the function it returns: keep that
 * only while it is needed (a parsed map is some 75 arrays for a small cell).
 */
export function cellPositions({ code, map: json }: Pick<CompiledCell, 'code' | 'map'>): TranspiledCell['toCell'] {
  let map: SourceMap | undefined;
  let lines: string[] | undefined;
  return (line, column) => {
    lines ??= code.trimEnd().split('\n');
    // The last line is the `})();` that calls the wrapper: not the user's code.
    if (line === lines.length) return undefined;
    map ??= new SourceMap(JSON.parse(json || '{}') as SourceMapPayload);
    // Before the first mapping of a line, findEntry answers with the line above.
    const start = Math.max(0, (lines[line - 1] ?? '').search(/\S/));
    const entry = map.findEntry(line - 1, Math.max(start, (column ?? 1) - 1));
    return 'originalLine' in entry ? { line: entry.originalLine + 1, column: entry.originalColumn + 1 } : undefined;
  };
}

/** The 1-based line and column of `offset` in `source`. */
export function positionOf(source: string, offset: number): CellPosition {
  const before = source.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
