/**
 * The executor's cells as scripts: as the type checker transpiled them (sent
 * with the cell, kept by transpile/transpiled.ts), or transpiled here for a
 * cell that came without (a silent one, or one run while the checker was down),
 * TypeScript then loaded on that first need, from its code cache (ts-code-cache.ts).
 */
import { recentCell, type TranspiledCell } from '../../transpile/transpiled.js';
import { preloadTypeScript } from './ts-code-cache.js';

type Transpile = (source: string) => TranspiledCell;
let transpile: Transpile | undefined;

export function transpiled(source: string): TranspiledCell {
  const known = recentCell(source);
  if (known) return known;
  if (!transpile) {
    preloadTypeScript();
    transpile = (require('../../transpile/cell.js') as typeof import('../../transpile/cell.js')).transpileCell;
  }
  return transpile(source);
}
