/**
 * is_complete_request, decided by TypeScript's parser (no type checking):
 *
 *  - no syntax error: 'complete';
 *  - the first syntax error is at the very end (an open bracket, a dangling
 *    operator or `=>`, a `${` or template not yet closed): 'incomplete', since
 *    more lines can still make it valid, with the indent the next line wants;
 *  - a syntax error before the end (`)`, `let = = 1`, `}}`), or a string
 *    literal left open (quotes cannot span lines): 'invalid'.
 */
import ts from 'typescript';
import type { IsCompleteReply } from './types.js';

const UNTERMINATED_STRING = 1002;
const UNTERMINATED_COMMENT = 1010; // "'*/' expected."
const UNTERMINATED_TEMPLATE = 1160;
const DEFAULT_INDENT_UNIT = '    ';

export function isComplete(code: string): IsCompleteReply {
  if (code.trim() === '') return { status: 'complete' };
  const first = [...syntaxErrors(code)].sort((a, b) => (a.start ?? 0) - (b.start ?? 0))[0];
  if (!first) return { status: 'complete' };
  if (first.code === UNTERMINATED_STRING) return { status: 'invalid' };
  if (first.code === UNTERMINATED_TEMPLATE) return { status: 'incomplete', indent: '' }; // spaces would join the string
  const atEnd = (first.start ?? 0) >= code.trimEnd().length;
  if (!atEnd && first.code !== UNTERMINATED_COMMENT) return { status: 'invalid' };
  return { status: 'incomplete', indent: nextIndent(code) };
}

/** The parser's diagnostics, through a one-file program with no libraries: parsing only, about a millisecond. */
function syntaxErrors(code: string): readonly ts.Diagnostic[] {
  const fileName = 'cell.mts'; // a module, so top-level await and import parse as they run
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const host: ts.CompilerHost = {
    getSourceFile: (name) => (name === fileName ? source : undefined),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => {},
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === fileName,
    readFile: () => undefined,
  };
  const program = ts.createProgram({ rootNames: [fileName], options: { noLib: true, noResolve: true, types: [] }, host });
  return program.getSyntacticDiagnostics(source);
}

/**
 * The indent for the next line: the last line's, one unit deeper when that
 * line opened a bracket or ends in an operator (`=`, `+`, `=>`, `.` ...) or a
 * bare control header (`if (x)`, `else`).
 */
function nextIndent(code: string): string {
  const lines = code.split('\n');
  const lastIndex = lines.findLastIndex((line) => line.trim() !== '');
  const lastLine = lines[lastIndex] ?? '';
  const base = /^[ \t]*/.exec(lastLine)![0];
  const lastLineStart = lines.slice(0, lastIndex).reduce((sum, line) => sum + line.length + 1, 0);
  const { innermostOpener, lastToken } = scan(code);
  const deeper =
    (innermostOpener !== undefined && innermostOpener >= lastLineStart) ||
    (lastToken !== undefined && continuesExpression(lastToken)) ||
    /^\s*(?:(?:if|for|while)\s*\(.*\)|else|do)\s*$/.test(lastLine);
  return deeper ? base + indentUnit(lines) : base;
}

/** Tracks brackets (and `${` in templates) with the scanner: where the innermost unclosed one is, and the last token. */
function scan(code: string): { innermostOpener: number | undefined; lastToken: ts.SyntaxKind | undefined } {
  const K = ts.SyntaxKind;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, code);
  const open: { kind: ts.SyntaxKind; pos: number }[] = [];
  let previous: ts.SyntaxKind | undefined;
  for (let token = scanner.scan(); token !== K.EndOfFileToken; token = scanner.scan()) {
    if ((token === K.SlashToken || token === K.SlashEqualsToken) && regexAllowedAfter(previous)) {
      token = scanner.reScanSlashToken();
    }
    if (token === K.CloseBraceToken && open.at(-1)?.kind === K.TemplateHead) {
      // The `}` that ends a `${...}`: the template text continues after it.
      token = scanner.reScanTemplateToken(false);
      if (token === K.TemplateTail) open.pop();
    } else if (token === K.OpenBraceToken || token === K.OpenParenToken || token === K.OpenBracketToken || token === K.TemplateHead) {
      open.push({ kind: token, pos: scanner.getTokenStart() });
    } else if (token === K.CloseBraceToken || token === K.CloseParenToken || token === K.CloseBracketToken) {
      open.pop();
    }
    previous = token;
  }
  return { innermostOpener: open.at(-1)?.pos, lastToken: previous };
}

/** After these a `/` starts a regular expression rather than a division. */
function regexAllowedAfter(previous: ts.SyntaxKind | undefined): boolean {
  const K = ts.SyntaxKind;
  if (previous === undefined) return true;
  if (previous === K.CloseParenToken || previous === K.CloseBracketToken || previous === K.CloseBraceToken) return false;
  if (previous >= K.FirstPunctuation && previous <= K.LastPunctuation) return true;
  return [K.ReturnKeyword, K.TypeOfKeyword, K.CaseKeyword, K.DoKeyword, K.ElseKeyword, K.InKeyword, K.OfKeyword,
    K.NewKeyword, K.DeleteKeyword, K.VoidKeyword, K.ThrowKeyword, K.YieldKeyword, K.AwaitKeyword].includes(previous);
}

/** Operators, `=>`, `.` and operator-like keywords (`return`, `new`, `in`) leave an expression to be continued on the next line. */
function continuesExpression(token: ts.SyntaxKind): boolean {
  const K = ts.SyntaxKind;
  // After a comma the next item lines up with the previous one.
  const ends = [K.CloseParenToken, K.CloseBracketToken, K.CloseBraceToken, K.SemicolonToken, K.CommaToken];
  if (ends.includes(token)) return false;
  if (token >= K.FirstPunctuation && token <= K.LastPunctuation) return true;
  return [K.ReturnKeyword, K.TypeOfKeyword, K.NewKeyword, K.DeleteKeyword, K.VoidKeyword, K.ThrowKeyword, K.YieldKeyword,
    K.AwaitKeyword, K.InKeyword, K.OfKeyword, K.InstanceOfKeyword, K.AsKeyword, K.SatisfiesKeyword, K.ExtendsKeyword,
    K.CaseKeyword, K.ElseKeyword, K.DoKeyword, K.KeyOfKeyword].includes(token);
}

/** The code's own indent step (its smallest indentation), else four spaces like JupyterLab's editor. */
function indentUnit(lines: readonly string[]): string {
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)![0]).filter((i) => i !== '');
  if (indents.some((indent) => indent.startsWith('\t'))) return '\t';
  const smallest = Math.min(...indents.map((indent) => indent.length));
  return Number.isFinite(smallest) ? ' '.repeat(smallest) : DEFAULT_INDENT_UNIT;
}
