/**
 * Where the source of a function a cell defined is (loom's
 * shipHooks.locateSource), so that its frames in a thread, pool task or
 * process read `at risky (cell 1, line 3)` as they do in the cell. The
 * source (Function.prototype.toString) is found in the compiled code of the
 * cell scripts that ran, newest first (a redefinition wins), and each of its
 * lines is given its cell line through that cell's source map here, in the
 * executor: the worker needs no compiler.
 */
import { shipHooks, type SourceOrigin } from '../../../src/host/index.js';
import { positionOf } from '../../transpile/transpiled.js';
import { scriptCount, scriptsNewestFirst, toCell, type Script } from './traceback.js';

/** Answers by source, until another cell runs (its definition may be newer). */
const known = new Map<string, SourceOrigin | null>();
let knownFor = -1;
const KEPT = 1000;

function originIn(script: Script, index: number, source: string): SourceOrigin {
  const start = positionOf(script.code, index);
  const count = source.split('\n').length;
  const lines: (number | undefined)[] = [];
  for (let k = 0; k < count; k++) lines.push(toCell(script, start.line + k, k === 0 ? start.column : undefined)?.line);
  return { file: `cell ${script.executionCount}`, line: start.line, column: start.column, lines };
}

export function locateInCells(source: string): SourceOrigin | undefined {
  if (knownFor !== scriptCount()) {
    known.clear();
    knownFor = scriptCount();
  }
  const answer = known.get(source);
  if (answer !== undefined) return answer ?? undefined;
  let found: SourceOrigin | undefined;
  for (const [, script] of scriptsNewestFirst()) {
    const index = script.code.indexOf(source);
    if (index !== -1) {
      found = originIn(script, index, source);
      break;
    }
  }
  if (known.size >= KEPT) known.delete(known.keys().next().value!);
  known.set(source, found ?? null);
  return found;
}

/** Installs the lookup as loom's; the executor's main thread calls it once, where it installs the notebook's declarations. */
export function locateCellSources(): void {
  shipHooks.locateSource = locateInCells;
}
