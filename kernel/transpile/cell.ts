/**
 * One cell of TypeScript -> one JavaScript script for vm.runInThisContext.
 *
 * TypeScript does the type stripping and lowering (enums, namespaces,
 * decorators, `using`); two transformers of ours make the result a script:
 *  - before TypeScript's own: static imports become `await import()`, export
 *    keywords go, and every import() goes through the executor's
 *    `__loom_import` (for loom's modules and TypeScript files; module-syntax.ts);
 *  - after it: every top-level binding becomes a global `var`, and the rest of
 *    the cell runs in an async arrow so top-level await works (top-level-scope.ts).
 * The source map TypeScript writes for the result maps stack frames back to cell lines.
 * What it makes is data (transpiled.ts), so the checker can do this for the executor.
 * The names the cell declares, and which of them a module binds (import-bindings.ts),
 * come with it: code sent to a thread or process brings those it uses along.
 */
import ts from 'typescript';
import { moduleSyntaxToScript } from './module-syntax.js';
import { reportImports, type ImportBinding } from './import-bindings.js';
import { topLevelToGlobals, type ScopeProblem } from './top-level-scope.js';
import { positionOf, recentCell, remember, type CompiledCell, type TranspiledCell } from './transpiled.js';

export type { CellCompletion, CellPosition, CellSyntaxError, CompiledCell, ImportBinding, TranspiledCell } from './transpiled.js';
export { positionOf } from './transpiled.js';

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  // Parse every cell as a module: only then is `await (x)` at top level an await
  // rather than a call of a function named await.
  moduleDetection: ts.ModuleDetectionKind.Force,
  sourceMap: true,
};

/** The cell transpiled, through transpiled.ts's cache of recent cells. */
export function transpileCell(source: string): TranspiledCell {
  return recentCell(source) ?? remember(source, compileCell(source));
}

/** The cell transpiled, as data: what the checker sends the executor. */
export function compileCell(source: string): CompiledCell {
  // As Node's REPL does: `{ a: 1 }` alone is an object to show, not a block with a label.
  if (/^\s*\{/.test(source) && !/;\s*$/.test(source)) {
    const asObject = compileScript(`(${source})`);
    if (asObject.syntaxErrors.length === 0) return asObject;
  }
  return compileScript(source);
}

function compileScript(source: string): CompiledCell {
  const problems: ScopeProblem[] = [];
  const declarations: string[] = [];
  const imports: ImportBinding[] = [];
  const output = ts.transpileModule(source, {
    compilerOptions,
    fileName: 'cell.ts',
    reportDiagnostics: true,
    transformers: { before: [reportImports(imports), moduleSyntaxToScript], after: [topLevelToGlobals(problems, declarations)] },
  });
  const code = output.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  const syntaxErrors = [
    ...(output.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => ({
      ...positionOf(source, d.start ?? 0),
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    })),
    ...problems.map((p) => ({ ...positionOf(source, p.start), message: p.message })),
  ];
  return { code, syntaxErrors, declarations, imports, map: output.sourceMapText ?? '{}' };
}
