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
 * The names the cell declares, and which of them a module binds (import-bindings.ts),
 * come with it: code sent to a thread or process brings those it uses along.
 */
import ts from 'typescript';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { moduleSyntaxToScript } from './module-syntax.js';
import { reportImports, type ImportBinding } from './import-bindings.js';
import { topLevelToGlobals, type ScopeProblem } from './top-level-scope.js';

export type { CellCompletion } from './top-level-scope.js';
export type { ImportBinding } from './import-bindings.js';

/** A place in the cell, 1-based like an editor shows it. */
export interface CellPosition {
  line: number;
  column: number;
}

export interface CellSyntaxError extends CellPosition {
  message: string;
}

export interface TranspiledCell {
  /** The script; its completion value is a Promise<CellCompletion | undefined>. */
  code: string;
  /** When not empty, `code` must not be run. */
  syntaxErrors: CellSyntaxError[];
  /** The globals the cell declares (its top-level bindings), in no particular order. */
  declarations: string[];
  /** Those of them bound to a module (`import fs from 'node:fs'`, `const x = require('m')`). */
  imports: ImportBinding[];
  /**
   * Maps a 1-based line and column of `code` to the cell; undefined for the
   * wrapper's own code. Without a column: where the line's code starts.
   */
  toCell(line: number, column?: number): CellPosition | undefined;
}

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  // Parse every cell as a module: only then is `await (x)` at top level an await
  // rather than a call of a function named await.
  moduleDetection: ts.ModuleDetectionKind.Force,
  sourceMap: true,
};

/** Cells are re-run often, and a transpile costs about a millisecond: remember the recent ones. */
const recent = new Map<string, TranspiledCell>();
const RECENT_LIMIT = 256;

export function transpileCell(source: string): TranspiledCell {
  const known = recent.get(source);
  if (known) return known;
  const cell = transpileUncached(source);
  recent.set(source, cell);
  if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value!);
  return cell;
}

function transpileUncached(source: string): TranspiledCell {
  // As Node's REPL does: `{ a: 1 }` alone is an object to show, not a block with a label.
  if (/^\s*\{/.test(source) && !/;\s*$/.test(source)) {
    const asObject = transpileScript(`(${source})`);
    if (asObject.syntaxErrors.length === 0) return asObject;
  }
  return transpileScript(source);
}

function transpileScript(source: string): TranspiledCell {
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
  const map = new SourceMap(JSON.parse(output.sourceMapText ?? '{}') as SourceMapPayload);
  const lines = code.trimEnd().split('\n');
  return {
    code,
    syntaxErrors,
    declarations,
    imports,
    toCell(line, column) {
      // The last line is the `})();` that calls the wrapper: not the user's code.
      if (line === lines.length) return undefined;
      // Before the first mapping of a line, findEntry answers with the line above.
      const start = Math.max(0, (lines[line - 1] ?? '').search(/\S/));
      const entry = map.findEntry(line - 1, Math.max(start, (column ?? 1) - 1));
      return 'originalLine' in entry ? { line: entry.originalLine + 1, column: entry.originalColumn + 1 } : undefined;
    },
  };
}

/** The 1-based line and column of `offset` in `source`. */
export function positionOf(source: string, offset: number): CellPosition {
  const before = source.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
