/**
 * The origins of a shipment's pieces (PieceOrigin), laid out as the worker
 * compiles them: the prelude's entries one after another, a newline, then
 * `return (expression);`. A piece whose origin nobody knows is left out.
 */
import { originOf } from './locate.js';
import type { PieceOrigin } from './shipped.js';

const RETURN = 'return (';

function lineCount(text: string): number {
  let count = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** A piece whose source sits inside `text` (e.g. `const f = (SOURCE);`) that starts at `line`, at `column` of that line. */
function pieceOrigin(text: string, source: string, line: number, column: number): PieceOrigin | undefined {
  const index = text.indexOf(source);
  if (index === -1 || text.lastIndexOf('\n', index) !== -1) return undefined;
  const origin = originOf(source);
  return origin && { line, column: column + index, lineCount: lineCount(source), origin };
}

export function originsOf(prelude: string[], sources: (string | undefined)[], expression: string, source: string): PieceOrigin[] {
  const origins: PieceOrigin[] = [];
  let line = 0;
  prelude.forEach((text, i) => {
    const piece = sources[i] === undefined ? undefined : pieceOrigin(text, sources[i], line, 0);
    if (piece) origins.push(piece);
    line += lineCount(text);
  });
  // An empty prelude is still a line of its own.
  if (prelude.length === 0) line = 1;
  const piece = pieceOrigin(expression, source, line, RETURN.length);
  if (piece) origins.push(piece);
  return origins;
}
