/**
 * How the executed cells look to the type checker's language service as they
 * come (notebook-cells.ts, text-snapshot.ts): a new cell must leave the list of
 * files as it was, so that TypeScript keeps its program, and the file that
 * grew must parse, change by change, to what a parse of the whole text gives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { NotebookCells, type MeaningResolver } from '../../kernel/checker/notebook-cells.js';
import { NotebookService } from '../../kernel/checker/notebook-service.js';
import { TextSnapshot } from '../../kernel/checker/text-snapshot.js';

const noMeanings: MeaningResolver = () => new Map();

describe('the files of a notebook', () => {
  it('keeps the same files when a cell that declares a new name runs', () => {
    const cells = new NotebookCells('/nowhere');
    cells.add(['const first = 1;'], noMeanings);
    const before = [...cells.files().keys()];
    for (let i = 0; i < 5; i++) cells.add([`const next${i} = first + ${i};`], noMeanings);
    assert.deepEqual([...cells.files().keys()], before);
    const text = [...cells.files().values()].map((file) => file.text).join('\n');
    assert.match(text, /next4/, 'the newest cell is in the program');
  });

  it('starts a new file only every 32 cells', () => {
    const cells = new NotebookCells('/nowhere');
    for (let i = 0; i < 70; i++) cells.add([`const many${i} = ${i};`], noMeanings);
    assert.equal(cells.files().size, 3);
  });

  it('checks cells against earlier ones in the same growing file', () => {
    const notebook = new NotebookService(process.cwd());
    notebook.addCells(['const label = "a";', 'function twice(n: number) { return n * 2; }']);
    const errorsOf = (code: string): string[] => {
      notebook.setCurrent(code);
      return notebook.service.getSemanticDiagnostics(notebook.currentFile).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    };
    assert.deepEqual(errorsOf('twice(label.length)'), []);
    assert.match(errorsOf('twice(label)').join('\n'), /not assignable to parameter of type 'number'/);
    // An earlier cell's name declared again: the newer type wins, in the same file.
    notebook.addCells(['const label = 42;']);
    assert.deepEqual(errorsOf('twice(label)'), []);
  });
});

describe('TextSnapshot', () => {
  const rangeOf = (before: string, after: string): ts.TextChangeRange | undefined => new TextSnapshot(after).getChangeRange(new TextSnapshot(before));

  it('says what changed between two texts', () => {
    assert.deepEqual(rangeOf('abc', 'abcdef'), ts.createTextChangeRange(ts.createTextSpan(3, 0), 3));
    assert.deepEqual(rangeOf('abcdef', 'abXYef'), ts.createTextChangeRange(ts.createTextSpan(2, 2), 2));
    assert.deepEqual(rangeOf('abcdef', 'af'), ts.createTextChangeRange(ts.createTextSpan(1, 4), 0));
    assert.deepEqual(rangeOf('same', 'same'), ts.createTextChangeRange(ts.createTextSpan(4, 0), 0));
    // A repeated run: the common end must not overlap the common start.
    assert.deepEqual(rangeOf('aa', 'aaa'), ts.createTextChangeRange(ts.createTextSpan(2, 0), 1));
  });

  it('knows nothing of a snapshot of another kind', () => {
    assert.equal(new TextSnapshot('x').getChangeRange(ts.ScriptSnapshot.fromString('x')), undefined);
  });

  it('lets TypeScript parse only the change, to the same tree as a whole parse', () => {
    const texts = [
      'const a = 1;',
      'const a = 1;\n;\nfunction f(x: number) {\n  return x + a;\n}',
      'const a_1 = 1;\n;\nfunction f(x: number) {\n  return x + a_1;\n}\n;\nconst a = "s";',
      'const a_1 = 1;\n;\nfunction f(x: number) {\n  return x * a_1;\n}\n;\nconst a = "s";\n;\nclass C { m() { return f(2); } }',
    ];
    let snapshot = new TextSnapshot(texts[0]!);
    let file = ts.createLanguageServiceSourceFile('chunk.ts', snapshot, ts.ScriptTarget.ES2022, '1', true);
    texts.slice(1).forEach((text, i) => {
      const next = new TextSnapshot(text);
      file = ts.updateLanguageServiceSourceFile(file, next, String(i + 2), next.getChangeRange(snapshot));
      snapshot = next;
      const whole = ts.createSourceFile('chunk.ts', text, ts.ScriptTarget.ES2022, true);
      assert.equal(shape(file), shape(whole), `after change ${i + 1}`);
    });
  });
});

/** A tree as text: each node's kind and span. */
function shape(node: ts.Node): string {
  const parts: string[] = [];
  const visit = (n: ts.Node): void => {
    parts.push(`${ts.SyntaxKind[n.kind]}@${n.pos}-${n.end}`);
    n.forEachChild(visit);
  };
  visit(node);
  return parts.join(' ');
}
