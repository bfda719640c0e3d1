/**
 * Whether a place in a cell is inside a `try` block that has a `catch`:
 * how the debugger tells an exception the user's code catches from one that
 * ends the cell ("Uncaught Exceptions"). V8's own prediction cannot tell
 * them apart here: every cell runs inside the executor's try, so V8 calls
 * every exception caught.
 */
import ts from 'typescript';

const parsed = new Map<string, ts.SourceFile>();
const KEPT = 100;

export function insideTryWithCatch(code: string, line: number, column: number): boolean {
  const source = sourceFileOf(code);
  const lineStarts = source.getLineStarts();
  const start = lineStarts[line - 1];
  if (start === undefined) return false;
  const offset = start + column - 1;
  let inside = false;
  const visit = (node: ts.Node): void => {
    if (offset < node.getStart(source) || offset >= node.getEnd()) return;
    if (ts.isTryStatement(node) && node.catchClause && offset >= node.tryBlock.getStart(source) && offset < node.tryBlock.getEnd()) inside = true;
    // A function's body is another frame: a try around the function's definition does not catch its throws.
    if (ts.isFunctionLike(node)) {
      inside = false;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);
  return inside;
}

function sourceFileOf(code: string): ts.SourceFile {
  let source = parsed.get(code);
  if (!source) {
    source = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.ES2022, true);
    if (parsed.size >= KEPT) parsed.delete(parsed.keys().next().value!);
    parsed.set(code, source);
  }
  return source;
}
