/**
 * How the debugger names cells and decides what an exception's catch is: the
 * hash JupyterLab computes a cell's path with, and the try blocks of a cell.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CellSources } from '../../kernel/debugger/cell-sources.js';
import { murmur2 } from '../../kernel/debugger/murmur2.js';
import { insideTryWithCatch } from '../../kernel/debugger/try-blocks.js';

describe('debugger cell names', () => {
  it('murmur2_gives_the_numbers_jupyterlab_gives', () => {
    // Computed with murmur2() of @jupyterlab/debugger 4.6.4 (lib/hash.js).
    const vectors: [string, number, number][] = [
      ['', 0, 0],
      ['a', 0, 2456313694],
      ['abcd', 1, 3376380438],
      ['abcde', 42, 2887277479],
      ['const x = 1;\nx', 1570796326, 1824841588],
      ['café 😀', 7, 4288595449],
    ];
    for (const [text, seed, expected] of vectors) assert.equal(murmur2(text, seed), expected, JSON.stringify(text));
  });

  it('a_breakpoint_line_maps_to_where_its_statement_starts', () => {
    const cells = new CellSources();
    const cell = cells.add("const name = input('who? ');\nconst greeting = 'hi ' + name;\n\n// note\ngreeting");
    const [second] = cell.scriptLinesOf(2);
    assert.equal(cell.toCell(second!, 4)?.line, 2);
    assert.deepEqual(cell.scriptLinesOf(3), [], 'an empty line has no code');
    assert.deepEqual(cell.scriptLinesOf(4), [], 'nor has a comment');
    assert.equal(cells.byScriptHash(cell.scriptHash), cell);
    assert.deepEqual([...cells.declaredNames()].sort(), ['greeting', 'name']);
  });
});

describe('debugger try blocks', () => {
  const code = [
    'function f() {',
    '  try {',
    '    g();',
    '  } catch (e) {',
    '    h();',
    '  }',
    '  try { k() } finally { }',
    '}',
    'try {',
    '  const later = () => boom();',
    '} catch { }',
  ].join('\n');

  it('a_throw_in_a_try_block_with_a_catch_is_caught', () => {
    assert.equal(insideTryWithCatch(code, 3, 5), true);
  });

  it('the_catch_block_itself_and_a_try_without_catch_are_not', () => {
    assert.equal(insideTryWithCatch(code, 5, 5), false);
    assert.equal(insideTryWithCatch(code, 7, 9), false);
  });

  it('a_function_defined_inside_a_try_runs_in_its_own_frame', () => {
    assert.equal(insideTryWithCatch(code, 10, 23), false);
  });
});
