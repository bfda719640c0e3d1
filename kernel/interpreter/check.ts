/**
 * Type-checks the cell about to run against the cells run before it, as a
 * compiler would: syntax and semantic errors of that cell only.
 * A cell that starts with `// @ts-nocheck` is not type-checked (TypeScript's
 * own directive); syntax errors are still reported.
 */
import ts from 'typescript';

export interface CellDiagnostic {
  /** 1-based line and column in the cell, as an editor shows them. */
  line: number;
  column: number;
  /** TypeScript's error number, e.g. 2322. */
  code: number;
  message: string;
  /** The cell's line the error is on, for the traceback. */
  lineText: string;
}

export function checkCell(service: ts.LanguageService, fileName: string, code: string): CellDiagnostic[] {
  const diagnostics = [...service.getSyntacticDiagnostics(fileName), ...service.getSemanticDiagnostics(fileName)];
  const lines = code.split(/\r?\n/);
  return diagnostics
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const { line, character } = ts.getLineAndCharacterOfPosition(d.file ?? ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest), d.start ?? 0);
      return {
        line: line + 1,
        column: character + 1,
        code: d.code,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
        lineText: lines[line] ?? '',
      };
    });
}
