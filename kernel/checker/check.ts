/**
 * Type-checks the cell about to run against the cells run before it, as a
 * compiler would: the semantic errors of that cell only.
 *
 * - A cell that starts with `// @ts-nocheck` is not type-checked (TypeScript's own directive).
 * - A cell that does not parse passes: the executor reports its SyntaxError,
 *   with the same line and caret as a cell with `// @ts-nocheck` gets.
 * - A `/// <reference lib="..." />` that names no library is an error (TS2726), as
 *   TypeScript reports it; the language service runs with `noLib` (lib-bundle.ts) and would not.
 * - Importing a package that has no types is no error (TS7016): the module is `any`,
 *   as in a JavaScript notebook.
 * - `import x = require('m')` and `export = x` are no errors (TS1202, TS1203):
 *   TypeScript objects only because the cell is checked as an ES module; the
 *   executor runs the first as require() and the second as the expression.
 * - A cell that passed and was not reported as executed has run and failed part-way
 *   (or was interrupted): its declarations exist at run time, so later cells see them
 *   too (NotebookService.setCurrent).
 */
import ts from 'typescript';
import { unknownLibReferences } from './lib-bundle.js';
import { notebookOf } from './notebook-service.js';
import type { CellDiagnostic } from './types.js';

const IGNORED = new Set([
  // "Could not find a declaration file for module 'x'. '.../index.js' implicitly has an 'any' type."
  7016,
  // "Import assignment cannot be used when targeting ECMAScript modules."
  1202,
  // "Export assignment cannot be used when targeting ECMAScript modules."
  1203,
]);

/** TypeScript's "Cannot find lib definition for '{0}'." */
const UNKNOWN_LIB = 2726;

export function checkCell(service: ts.LanguageService, fileName: string, code: string): CellDiagnostic[] {
  const notebook = notebookOf(service);
  const syntactic = service.getSyntacticDiagnostics(fileName).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntactic.length > 0) return [];
  const semantic = service.getSemanticDiagnostics(fileName);
  const lines = code.split(/\r?\n/);
  // The cell is the current file's whole text, so positions in it are positions in the cell. Found
  // only when there is an error: getProgram() checks every file's version again.
  let cell: ts.SourceFile | undefined;
  const at = (position: number, errorCode: number, message: string): CellDiagnostic => {
    cell ??= service.getProgram()?.getSourceFile(fileName) ?? ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest);
    const { line, character } = ts.getLineAndCharacterOfPosition(cell, position);
    return { line: line + 1, column: character + 1, code: errorCode, message, lineText: lines[line] ?? '' };
  };
  const errors = [
    ...unknownLibReferences(code).map((lib) => at(lib.pos, UNKNOWN_LIB, `Cannot find lib definition for '${lib.name}'.`)),
    ...semantic
      .filter((d) => d.category === ts.DiagnosticCategory.Error && !IGNORED.has(d.code))
      .map((d) => at(d.start ?? 0, d.code, ts.flattenDiagnosticMessageText(d.messageText, '\n'))),
  ];
  if (errors.length === 0) notebook?.passed(code);
  return errors;
}
