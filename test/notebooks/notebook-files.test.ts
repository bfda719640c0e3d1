import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeCells, expectationOf, notebookNames, readChapter } from './chapter.js';

const CHAPTER = ['13.1-basics', '13.2-threads', '13.3-multiprocessing', '13.4-pools', '13.5-queues', '13.6-futures', '13.7-async-io'];

describe('the notebooks as saved in git', () => {
  it('has_the_seven_chapter_notebooks', () => {
    const names = notebookNames();
    for (const name of CHAPTER) assert.ok(names.includes(name), `notebooks/${name}.ipynb is missing`);
  });

  for (const name of notebookNames()) {
    it(`${name}_has_no_outputs_no_execution_counts_and_the_loom_kernelspec`, () => {
      const notebook = readChapter(name);
      assert.deepEqual(notebook.metadata.kernelspec, { display_name: 'TypeScript (Loom)', language: 'typescript', name: 'loom' });
      for (const [i, cell] of codeCells(notebook).entries()) {
        assert.deepEqual(cell.outputs, [], `${name}: code cell ${i + 1} has outputs (clear them before committing)`);
        assert.equal(cell.execution_count, null, `${name}: code cell ${i + 1} has an execution count`);
      }
    });

    it(`${name}_has_unique_cell_ids_and_well_formed_expectations`, () => {
      const notebook = readChapter(name);
      const ids = notebook.cells.map((cell) => cell.id);
      assert.ok(ids.every((id) => typeof id === 'string' && /^[a-zA-Z0-9_-]{1,64}$/.test(id)), `${name}: every cell needs an nbformat 4.5 id`);
      assert.equal(new Set(ids).size, ids.length, `${name}: cell ids repeat`);
      for (const cell of notebook.cells) {
        const { expect, svg, answer } = expectationOf(cell);
        const where = `${name}, cell ${cell.id}`;
        if (expect !== undefined) assert.ok(Array.isArray(expect) && expect.length > 0 && expect.every((e) => typeof e === 'string' && e !== ''), `${where}: loom.expect must be a list of non-empty strings`);
        if (svg !== undefined) assert.equal(typeof svg, 'boolean', `${where}: loom.svg must be true or false`);
        if (answer !== undefined) assert.equal(typeof answer, 'string', `${where}: loom.answer must be a string`);
        if (cell.cell_type !== 'code') assert.deepEqual(expectationOf(cell), {}, `${where}: only code cells have expectations`);
      }
    });
  }

  it('chapter_notebooks_say_what_their_important_cells_must_show', () => {
    for (const name of CHAPTER) {
      const expecting = codeCells(readChapter(name)).filter((cell) => expectationOf(cell).expect !== undefined);
      assert.ok(expecting.length >= 3, `${name}: only ${expecting.length} cells have loom.expect`);
    }
  });
});
