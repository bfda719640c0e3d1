/** is_complete decided by TypeScript's parser, called directly (no worker). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isComplete } from '../../kernel/checker/is-complete.js';

describe('is_complete', () => {
  it('is complete for code that parses', () => {
    for (const code of ['', '   \n', 'const x = 1', 'const x = 1;\nx + 1', 'await Promise.resolve(1)', "import fs from 'node:fs';",
      'function f() {\n  return 1;\n}', 'const re = /[(]/;', 'const s = `a ${1 + 1} b`;', '// just a comment', 'if (x) {} else {}']) {
      assert.deepEqual(isComplete(code), { status: 'complete' }, JSON.stringify(code));
    }
  });

  it('is incomplete, with an indent, for open brackets, operators and arrows', () => {
    const cases: [string, string][] = [
      ['function f() {', '    '],
      ['foo(', '    '],
      ['const a = [', '    '],
      ['const a = [\n  1,', '  '],
      ['if (x) {\n  if (y) {', '    '],
      ['const total = 1 +', '    '],
      ['const f = () =>', '    '],
      ['const f = (x: number) =>\n', '    '],
      ['x.', '    '],
      ['if (x)', '    '],
      ['const s = `a ${', '    '],
      ['\tif (x) {', '\t\t'],
      ['/* a comment that goes on', ''],
      ['const o = {\n  a: 1,\n  b: foo(', '    '],
      ['const o = {\n  a: 1,', '  '],
    ];
    for (const [code, indent] of cases) {
      assert.deepEqual(isComplete(code), { status: 'incomplete', indent }, JSON.stringify(code));
    }
  });

  it('keeps an open template literal incomplete, with no indent (it would be part of the string)', () => {
    assert.deepEqual(isComplete('const s = `first line'), { status: 'incomplete', indent: '' });
    assert.deepEqual(isComplete('const s = `a ${x} and'), { status: 'incomplete', indent: '' });
  });

  it('is invalid for code no continuation can fix', () => {
    for (const code of [')', 'let = = 1', '}}', "const s = 'unterminated", 'let x = 1 )', 'a b', 'const = 5;\nfoo(']) {
      assert.deepEqual(isComplete(code), { status: 'invalid' }, JSON.stringify(code));
    }
  });

  it('is fast', () => {
    const code = 'const x = [1, 2, 3].map((n) => n * 2);\n'.repeat(200) + 'function f() {';
    isComplete(code);
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) isComplete(code);
    console.log(`is_complete on 200 lines: ${((performance.now() - t0) / 20).toFixed(2)} ms`);
  });
});
