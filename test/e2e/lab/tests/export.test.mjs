// File > Save and Export Notebook As > HTML downloads a page with the outputs
// of the cells just run (the server's nbconvert renders the saved notebook).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labSession } from '../harness/lab-session.mjs';
import { labTest } from '../harness/lab-test.mjs';
import { ARTIFACTS } from '../harness/paths.mjs';
import { runNotebookStepByStep } from '../harness/run-notebook.mjs';

const session = labSession();

labTest('File > Save and Export Notebook As > HTML downloads a page with the outputs', { timeout: 180_000 }, () => session.lab, async () => {
  await runNotebookStepByStep(session.lab, 'fixtures/cell-expectations.ipynb');
  const [download] = await Promise.all([session.lab.page.waitForEvent('download', { timeout: 60_000 }), session.lab.menu('File', 'Save and Export Notebook As', 'HTML')]);
  // Kept for a person to look at, before any check can fail.
  await download.saveAs(join(ARTIFACTS, 'exported-cell-expectations.html'));
  assert.equal(download.suggestedFilename(), 'cell-expectations.html');
  const html = readFileSync(await download.path(), 'utf8');
  assert.match(html, /^<!DOCTYPE html>/i);
  // None of these is in the cells' sources: only their outputs hold them (the
  // last one is a bar of the SVG chart).
  for (const output of ['HELLO FROM THE FIXTURE', 'hello, Ada!', 'expected in cell 6', 'stderr is not an error', '<rect x="30" y="10"']) {
    assert.ok(html.includes(output), `the exported HTML lacks the output ${JSON.stringify(output)}`);
  }
  assert.deepEqual(session.lab.problems, []);
});
