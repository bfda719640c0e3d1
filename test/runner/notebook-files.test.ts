import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { answerer, loadAnswers } from '../../kernel/runner/answers.js';
import { findNotebooks } from '../../kernel/runner/find-notebooks.js';
import type { Notebook } from '../../kernel/jupyter/nbformat.js';
import { checkNotebook, readNotebook } from '../../kernel/runner/read-notebook.js';
import { notebookJson } from '../../kernel/runner/write-notebook.js';
import { ROOT } from './cli.js';

const temp = mkdtempSync(join(tmpdir(), 'loom-notebook-files-'));
after(() => rmSync(temp, { recursive: true, force: true }));

describe('reading notebooks', () => {
  const message = (json: unknown) => {
    try {
      checkNotebook('x.ipynb', json);
    } catch (error) {
      return (error as Error).message;
    }
    return 'no error';
  };
  const base = { nbformat: 4, nbformat_minor: 5, metadata: {} };

  it('names_the_file_and_the_problem', () => {
    assert.equal(message([]), 'x.ipynb: not a notebook: the top level must be a JSON object');
    assert.equal(message({ ...base, nbformat: 3 }), 'x.ipynb: nbformat 3 is not supported, only 4 (open and save it in Jupyter to convert it)');
    assert.equal(message({ metadata: {} }), 'x.ipynb: not a notebook: no "nbformat" field');
    assert.equal(message({ ...base }), 'x.ipynb: "cells" must be a list');
    assert.equal(message({ ...base, cells: [{ cell_type: 'markdown', metadata: {}, source: '' }, { cell_type: 'python', metadata: {}, source: '' }] }),
      'x.ipynb: cell 2: unknown cell_type "python" (expected "code", "markdown" or "raw")');
    assert.equal(message({ ...base, cells: [{ cell_type: 'code', metadata: {}, source: [1], outputs: [], execution_count: null }] }),
      'x.ipynb: cell 1: "source" must be a string or a list of strings');
  });

  it('reports_a_missing_file_and_bad_json', () => {
    assert.throws(() => readNotebook(join(temp, 'none.ipynb')), /none\.ipynb: no such file/);
    writeFileSync(join(temp, 'broken.ipynb'), '{"cells": [');
    assert.throws(() => readNotebook(join(temp, 'broken.ipynb')), /broken\.ipynb: not valid JSON/);
  });

  it('the_welcome_notebook_is_saved_without_outputs', () => {
    const notebook = readNotebook(join(ROOT, 'notebooks', '00-welcome.ipynb'));
    assert.deepEqual(notebook.metadata.kernelspec, { name: 'loom', display_name: 'TypeScript (Loom)', language: 'typescript' });
    assert.equal((notebook.metadata.language_info as { name: string }).name, 'typescript');
    for (const cell of notebook.cells) {
      if (cell.cell_type === 'code') assert.deepEqual([cell.outputs, cell.execution_count], [[], null]);
    }
  });
});

describe('writing notebooks', () => {
  it('writes_like_nbformat_sorted_one_space_lines', () => {
    const notebook: Notebook = {
      nbformat: 4, nbformat_minor: 5, metadata: { z: 1, a: 2 },
      cells: [{
        cell_type: 'code', metadata: {}, source: 'a\nb', execution_count: 1,
        outputs: [{ output_type: 'display_data', data: { 'text/plain': 'x\ny\n', 'image/png': 'AAAA', 'application/json': { b: 1 } }, metadata: {} }],
      }],
    };
    const json = notebookJson(notebook);
    assert.ok(json.endsWith('}\n'));
    const back = JSON.parse(json);
    assert.deepEqual(Object.keys(back), ['cells', 'metadata', 'nbformat', 'nbformat_minor']);
    assert.deepEqual(Object.keys(back.metadata), ['a', 'z']);
    assert.deepEqual(back.cells[0].source, ['a\n', 'b']);
    assert.deepEqual(back.cells[0].outputs[0].data, { 'application/json': { b: 1 }, 'image/png': 'AAAA', 'text/plain': ['x\n', 'y\n'] });
    assert.match(json, /^\{\n "cells": \[\n  \{\n   "cell_type": "code",/);
  });
});

describe('finding notebooks and answers', () => {
  it('lists_a_folder_in_chapter_order_without_checkpoints', () => {
    const dir = mkdtempSync(join(temp, 'nbs-'));
    for (const name of ['13.10-x.ipynb', '13.2-y.ipynb', '.hidden.ipynb', 'notes.md']) writeFileSync(join(dir, name), '{}');
    assert.deepEqual(findNotebooks([dir]).map((file) => file.slice(dir.length + 1)), ['13.2-y.ipynb', '13.10-x.ipynb']);
    assert.throws(() => findNotebooks([join(dir, 'notes.md')]), /notes\.md: not a notebook/);
    assert.throws(() => findNotebooks([join(dir, 'missing')]), /missing: no such file or folder/);
  });

  it('answers_by_prompt_substring_or_in_order_then_the_default', () => {
    const byPrompt = answerer({ colour: 'blue', '': 'anything' }, 'hello');
    assert.equal(byPrompt('Favourite colour? '), 'blue');
    assert.equal(byPrompt('Name? '), 'anything');
    const inOrder = answerer(['one', 'two'], 'hello');
    assert.deepEqual([inOrder(''), inOrder(''), inOrder('')], ['one', 'two', 'hello']);
    assert.equal(loadAnswers(undefined, 'dflt')('x'), 'dflt');
    assert.throws(() => answerer({ a: 1 }, 'hello', 'a.json'), /a\.json: the answer for "a" must be a string/);
    assert.throws(() => loadAnswers(join(temp, 'nope.json'), 'x'), /answers file .*nope\.json: no such file/);
    // The cell's stored answer (metadata loom.answer) comes after the file and before the default.
    assert.equal(byPrompt('Name? ', 'from the cell'), 'anything');
    assert.equal(answerer({ colour: 'blue' }, 'hello')('Name? ', 'from the cell'), 'from the cell');
    assert.equal(inOrder('', 'from the cell'), 'from the cell');
    assert.equal(loadAnswers(undefined, 'dflt')('x', 'from the cell'), 'from the cell');
    const file = join(temp, 'answers.json');
    writeFileSync(file, '["x"]');
    assert.equal(loadAnswers(file, 'd')('?'), 'x');
  });
});
