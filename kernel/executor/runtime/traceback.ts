/**
 * Errors as Jupyter shows them: ename, evalue, and a traceback whose frames
 * point at cell lines (`at f (cell 3, line 2)`), without the executor's own
 * frames. Every cell's source is kept, because a function a cell defined can
 * throw much later, from another cell; its source map is made again from the
 * source when a frame needs it (transpiling is deterministic, and cached), so
 * thousands of cells do not keep thousands of maps.
 */
import { resolve, sep } from 'node:path';
import { inspect } from 'node:util';
import { isLoomFrame, showsFullTraceback } from '../../../src/host/index.js';
import { cellPositions, type CellPosition, type TranspiledCell } from '../../transpile/transpiled.js';
import { transpiled } from './cell-scripts.js';
import type { ErrorContent } from '../../jupyter/output.js';
import { isInterruption } from './errors.js';
import { Recent } from '../../recent.js';
import { ENAME } from '../../enames.js';

export interface Script {
  executionCount: number;
  /** The cell as transpiled() got it. */
  source: string;
  /** What ran: functions of the cell are found in it by their source (cell-origins.ts). */
  code: string;
  /**
   * Its source map, kept with it: a frame of a cell that ran long ago (a function it defined)
   * must not transpile that cell again, which would load TypeScript into the executor (the
   * checker transpiled it, and the cache of recent cells has let it go). Kept as the JSON text:
   * parsed, with the code's lines, for every cell of a long session, they took about 4 MB more
   * of heap per 1,000 of the soak's cells (a heap snapshot: 6.7 MB of growth, 2.6 as text).
   */
  map: string;
}

const scripts = new Map<string, Script>();
/** The scripts whose maps were parsed last (a traceback maps several frames of one cell). */
const parsed = new Recent<Script, TranspiledCell['toCell']>(8);
/** dist/kernel/: frames in there are the kernel's, not the user's. */
const KERNEL_DIR = resolve(__dirname, '..', '..') + sep;
/**
 * loom's own library (dist/src, or src/*.ts with source maps), its packages
 * (piscina) and Node's internals: isLoomFrame. Their frames are machinery (how
 * a submit ships a function, how a pool settles a task), not lines a student
 * can find; they also carry this install's absolute paths, which JupyterLab
 * turns into links to files it cannot open.
 */
const OUR_NODE_MODULES = /\(?node:(internal|vm|async_hooks)[/:]/;
/** A script's filename (`cell-3`, or `cell-3.1` when count 3 ran before), then line and column. */
const LOCATION = /\b(cell-(\d+)(?:\.\d+)?):(\d+):(\d+)/g;
const MAX_CAUSES = 5;

/** Keeps the script for mapping frames; returns the unique filename to compile it under. */
export function registerScript(executionCount: number, source: string): string {
  let filename = `cell-${executionCount}`;
  for (let n = 1; scripts.has(filename); n++) filename = `cell-${executionCount}.${n}`;
  // The cell was just transpiled to run it: this is the cache's copy.
  const { code, map } = transpiled(source);
  scripts.set(filename, { executionCount, source, code, map });
  return filename;
}

/** Every cell script that ran, newest first, with the filename it ran under. */
export function scriptsNewestFirst(): [string, Script][] {
  return [...scripts].reverse();
}

/** How many cell scripts ran: a new one may hold the newest definition of a function. */
export function scriptCount(): number {
  return scripts.size;
}

/** Where line (and column) of a script's code are in its cell. */
export function toCell(script: Script, line: number, column?: number): CellPosition | undefined {
  return parsed.get(script, cellPositions)(line, column);
}

export function errorContent(thrown: unknown): ErrorContent {
  if (isInterruption(thrown) && !(thrown instanceof Error && thrown.name === 'KeyboardInterrupt')) {
    // vm's own "Script execution was interrupted": its stack is only ours.
    return { ename: ENAME.KeyboardInterrupt, evalue: 'Interrupted', traceback: ['KeyboardInterrupt: Interrupted'] };
  }
  if (!(thrown instanceof Error)) {
    // `throw 42`: there is no stack to show.
    const evalue = typeof thrown === 'string' ? thrown : inspect(thrown);
    return { ename: ENAME.Thrown, evalue, traceback: [`Thrown: ${evalue}`] };
  }
  return { ename: errorName(thrown), evalue: String(thrown.message), traceback: describe(thrown, 0) };
}

/** A syntax error TypeScript found before the cell ran. */
export function syntaxErrorContent(executionCount: number, source: string, error: CellPosition & { message: string }): ErrorContent {
  return {
    ename: ENAME.SyntaxError,
    evalue: error.message,
    traceback: [`SyntaxError: ${error.message}`, ...pointAt(executionCount, source, error)],
  };
}

function describe(error: Error, depth: number): string[] {
  const ename = errorName(error);
  const lines = [error.message ? `${ename}: ${error.message}` : ename, ...frames(error)];
  if (error.cause !== undefined && depth < MAX_CAUSES) {
    const cause = error.cause instanceof Error ? describe(error.cause, depth + 1) : [inspect(error.cause)];
    lines.push(`Caused by: ${cause[0]}`, ...cause.slice(1));
  }
  return lines;
}

/** The class name (`class MyError extends Error`), unless only `name` was set on a plain Error. */
function errorName(error: Error): string {
  const constructorName = typeof error.constructor === 'function' ? error.constructor.name : '';
  if (constructorName === '' || (constructorName === 'Error' && typeof error.name === 'string' && error.name !== '')) {
    return typeof error.name === 'string' && error.name !== '' ? error.name : 'Error';
  }
  return constructorName;
}

function frames(error: Error): string[] {
  let stack: string;
  try {
    stack = String(error.stack ?? '');
  } catch {
    return [];
  }
  const lines: string[] = [];
  // V8 starts a SyntaxError found while compiling a script with "cell-3:4" and the code.
  const compileSite = /^(cell-\d+(?:\.\d+)?):(\d+)\n/.exec(stack);
  if (compileSite) lines.push(...compileErrorSite(compileSite[1]!, Number(compileSite[2])));
  for (const line of stack.split('\n')) {
    if (!/^\s+at /.test(line)) continue;
    const mapped = mapFrame(line);
    if (mapped !== undefined) lines.push(mapped);
  }
  return lines;
}

/** A frame with cell locations rewritten, or undefined for the executor's own frames. */
function mapFrame(line: string): string | undefined {
  const full = showsFullTraceback();
  if (!full && (line.includes(KERNEL_DIR) || isLoomFrame(line) || OUR_NODE_MODULES.test(line))) return undefined;
  let wrapper = false;
  const mapped = line.replace(LOCATION, (match, filename: string, count: string, row: string, column: string) => {
    const script = scripts.get(filename);
    if (script === undefined) return match;
    const position = toCell(script, Number(row), Number(column));
    // The call of the cell's async wrapper: the executor's doing, not the user's.
    if (position === undefined) wrapper = true;
    return position ? `cell ${count}, line ${position.line}` : `cell ${count}`;
  });
  return wrapper && !full ? undefined : mapped;
}

function compileErrorSite(filename: string, line: number): string[] {
  const script = scripts.get(filename);
  if (script === undefined) return [];
  const position = toCell(script, line);
  return position ? pointAt(script.executionCount, script.source, { line: position.line, column: 0 }) : [`    at cell ${script.executionCount}`];
}

/** `at cell 3, line 2`, the line, and a caret under the column (none when column is 0). */
function pointAt(executionCount: number, source: string, position: CellPosition): string[] {
  const text = source.split('\n')[position.line - 1] ?? '';
  const lines = [`    at cell ${executionCount}, line ${position.line}`, `        ${text.trimEnd()}`];
  // Keep the tabs of the line so the caret lines up under them.
  if (position.column > 0) lines.push(`        ${text.slice(0, position.column - 1).replace(/[^\t]/g, ' ')}^`);
  return lines;
}
