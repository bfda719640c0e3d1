import { ENAME } from '../enames.js';
import type { ErrorContent } from '../jupyter/output.js';
import type { CellDiagnostic } from '../checker/types.js';

/**
 * A cell's type errors as one Jupyter error, the way a compiler prints them, but
 * with places written out as a runtime traceback writes them (a bare `cell 8:57`
 * reads as "cell 8"): `cell 3, line 2, column 17 - error TS2322: ...`, the
 * offending line, and a caret under the column. ename is TSError: a
 * compile-time error, unlike TypeError which happens at run time.
 */
export function typeErrorContent(diagnostics: CellDiagnostic[], executionCount: number): ErrorContent {
  const count = diagnostics.length === 1 ? '1 type error' : `${diagnostics.length} type errors`;
  const traceback = diagnostics.flatMap((d) => [
    `cell ${executionCount}, line ${d.line}, column ${d.column} - error TS${d.code}: ${d.message}`,
    `  ${d.lineText}`,
    `  ${' '.repeat(Math.max(0, d.column - 1))}^`,
  ]);
  traceback.push(`${count}: the cell did not run. Fix it, or start the cell with // @ts-nocheck to run it anyway.`);
  return { ename: ENAME.TSError, evalue: `${count}: ${diagnostics[0].message}`, traceback };
}
