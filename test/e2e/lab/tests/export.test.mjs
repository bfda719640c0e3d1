// File > Save and Export Notebook As > HTML downloads a page with the outputs
// of the cells just run (the server's nbconvert renders the saved notebook).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { launchBrowser } from '../harness/browser.mjs';
import { LabPage } from '../harness/lab-page.mjs';
import { labTest } from '../harness/lab-test.mjs';
import { ARTIFACTS } from '../harness/paths.mjs';
import { runNotebookStepByStep } from '../harness/run-notebook.mjs';
import { serverFromEnv, shutDownAllSessions } from '../harness/server-from-env.mjs';

const server = serverFromEnv();
let browser;
let lab;

before(async () => {
  browser = await launchBrowser();
  lab = await LabPage.open(browser, server);
});

after(async () => {
  await lab?.close();
  await browser?.close();
  await shutDownAllSessions(server);
});

labTest('File > Save and Export Notebook As > HTML downloads a page with the outputs', { timeout: 180_000 }, () => lab, async () => {
  await runNotebookStepByStep(lab, 'fixtures/cell-expectations.ipynb');
  const [download] = await Promise.all([lab.page.waitForEvent('download', { timeout: 60_000 }), lab.menu('File', 'Save and Export Notebook As', 'HTML')]);
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
  assert.deepEqual(lab.problems, []);
});
