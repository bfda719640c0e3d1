import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Notebook } from '../../kernel/jupyter/nbformat.js';
import { loomRun } from '../runner/cli.js';
import { codeCells, outputText } from './chapter.js';

const temp = mkdtempSync(join(tmpdir(), 'loom-cell-answers-'));
after(() => rmSync(temp, { recursive: true, force: true }));
const FIXTURE = 'test/notebooks/fixtures/cell-answer.ipynb';

async function outputsOf(args: string[]): Promise<string[]> {
  const out = mkdtempSync(join(temp, 'out-'));
  const { code, stderr } = await loomRun([FIXTURE, '--no-install', '--out', out, ...args]);
  assert.equal(code, 0, stderr);
  const notebook = JSON.parse(readFileSync(join(out, 'cell-answer.ipynb'), 'utf8')) as Notebook;
  return codeCells(notebook).map((cell) => outputText(cell.outputs));
}

describe('loom run answers input() from cell metadata', () => {
  it('types_the_cells_stored_answer_and_the_default_elsewhere', async () => {
    const [first, second] = await outputsOf(['--default-answer', 'the default']);
    assert.match(first, /got: stored in the cell/);
    assert.match(second, /then: the default/);
  });

  it('an_answers_file_wins_over_the_cells_answer', async () => {
    const answers = join(temp, 'answers.json');
    writeFileSync(answers, JSON.stringify({ 'name?': 'from the file' }));
    const [first, second] = await outputsOf(['--answers', answers]);
    assert.match(first, /got: from the file/);
    assert.match(second, /then: hello/);
  });
});
