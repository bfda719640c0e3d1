/**
 * The cells the debugger knows, by the names both sides use:
 *  - JupyterLab names a cell by a path it computes from the cell's text
 *    (tmpFilePrefix + murmur2(code, seed) + tmpFileSuffix, from our debugInfo);
 *    `dumpCell` writes the text there so the path is a real file;
 *  - V8 names the script a cell ran as by the SHA-256 of its compiled code
 *    (`hash` in Debugger.scriptParsed, `scriptHash` in setBreakpointByUrl), and
 *    transpiling is deterministic, so a breakpoint can be set on a cell's
 *    script before the cell runs, and a paused script found by its hash.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { transpileCell, type CellPosition } from '../transpile/cell.js';
import { cellNaming, type CellNaming } from './debug-info.js';
import { murmur2 } from './murmur2.js';

export interface CellSource {
  /** The path JupyterLab names the cell by. */
  path: string;
  code: string;
  /** SHA-256 of the script the executor runs for it, as V8 reports it. */
  scriptHash: string;
  /** The globals it declares. */
  declarations: readonly string[];
  /** 0-based script line and column -> 1-based cell position (undefined: the wrapper's code). */
  toCell(line: number, column: number): CellPosition | undefined;
  /** 1-based cell line -> the 0-based script lines whose code starts on it. */
  scriptLinesOf(cellLine: number): number[];
}

export class CellSources implements CellNaming {
  readonly seed: number;
  readonly prefix: string;
  readonly suffix: string;
  private readonly byPath = new Map<string, CellSource>();
  private readonly byHash = new Map<string, CellSource>();

  constructor(naming: CellNaming = cellNaming()) {
    ({ seed: this.seed, prefix: this.prefix, suffix: this.suffix } = naming);
  }

  pathOf(code: string): string {
    return `${this.prefix}${murmur2(code, this.seed)}${this.suffix}`;
  }

  /** dumpCell: the cell's text written to its path. */
  dump(code: string): CellSource {
    const cell = this.add(code);
    mkdirSync(this.prefix, { recursive: true, mode: 0o700 });
    writeFileSync(cell.path, code);
    return cell;
  }

  /** Remembers a cell (one that runs, or one that ran before the debugger started). */
  add(code: string): CellSource {
    const path = this.pathOf(code);
    const known = this.byPath.get(path);
    if (known?.code === code) return known;
    const cell = describe(path, code);
    this.byPath.set(path, cell);
    this.byHash.set(cell.scriptHash, cell);
    return cell;
  }

  /** A cell by its path: one seen, or one dumped by an earlier kernel of this prefix. */
  byPathName(path: string): CellSource | undefined {
    const known = this.byPath.get(path);
    if (known || !path.startsWith(this.prefix)) return known;
    try {
      return this.add(readFileSync(path, 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** Every name the known cells declare: the notebook's own globals. */
  declaredNames(): Set<string> {
    const names = new Set<string>();
    for (const cell of this.byPath.values()) for (const name of cell.declarations) names.add(name);
    return names;
  }

  byScriptHash(hash: string): CellSource | undefined {
    return this.byHash.get(hash);
  }

  /** The dumped files go with the kernel. */
  removeFiles(): void {
    rmSync(this.prefix, { recursive: true, force: true });
  }
}

function describe(path: string, code: string): CellSource {
  const compiled = transpileCell(code);
  const scriptHash = createHash('sha256').update(compiled.code, 'utf8').digest('hex');
  const scriptLines = compiled.code.split('\n');
  let starts: Map<number, number[]> | undefined;
  return {
    path,
    code,
    scriptHash,
    declarations: compiled.declarations,
    toCell: (line, column) => compiled.toCell(line + 1, column + 1),
    scriptLinesOf(cellLine) {
      // Built on first use: only cells with breakpoints need it.
      starts ??= lineStarts(compiled.toCell, scriptLines);
      return starts.get(cellLine) ?? [];
    },
  };
}

/**
 * For each cell line, the script lines whose first code maps to it, the one
 * that maps nearest the cell line's start first: that is where the line's
 * statement begins (the wrapper's own lines, like `(async () => {`, can map
 * into the middle of a cell line).
 */
function lineStarts(toCell: (line: number) => CellPosition | undefined, scriptLines: string[]): Map<number, number[]> {
  const found = new Map<number, { scriptLine: number; column: number }[]>();
  for (let line = 1; line <= scriptLines.length; line++) {
    // TypeScript keeps comments: a line of one is no place to stop.
    if (/^\s*(\/\/|\/\*|\*|$)/.test(scriptLines[line - 1]!)) continue;
    const at = toCell(line);
    if (at === undefined) continue;
    const list = found.get(at.line) ?? [];
    list.push({ scriptLine: line - 1, column: at.column });
    found.set(at.line, list);
  }
  const starts = new Map<number, number[]>();
  for (const [cellLine, list] of found) starts.set(cellLine, list.sort((x, y) => x.column - y.column).map((entry) => entry.scriptLine));
  return starts;
}
