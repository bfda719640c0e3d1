// Every notebook in notebooks/, opened from the file browser and run cell by
// cell with Shift+Enter in its own page, each cell checked against the
// expectations in its metadata (harness/cell-expectations.mjs). A screenshot of
// each executed notebook lands in artifacts/. The notebooks run where they
// live in the repository, unsaved: each file must be as it was.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { launchBrowser } from '../harness/browser.mjs';
import { LabPage } from '../harness/lab-page.mjs';
import { runNotebookStepByStep } from '../harness/run-notebook.mjs';
import { serverFromEnv, shutDownAllSessions } from '../harness/server-from-env.mjs';

const server = serverFromEnv();
const notebooks = readdirSync(join(server.root, 'notebooks'))
  .filter((name) => name.endsWith('.ipynb'))
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
let browser;

before(async () => {
  browser = await launchBrowser();
});

afterEach(() => shutDownAllSessions(server));

after(() => browser?.close());

test('notebooks/ holds notebooks to run', () => {
  assert.ok(notebooks.length > 0, 'no .ipynb file in notebooks/');
});

for (const name of notebooks) {
  test(`${name} runs cell by cell in JupyterLab and shows what each cell expects`, { timeout: 15 * 60_000 }, async (t) => {
    const file = join(server.root, 'notebooks', name);
    const saved = readFileSync(file, 'utf8');
    const lab = await LabPage.open(browser, server);
    try {
      await runNotebookStepByStep(lab, `notebooks/${name}`, { log: (line) => t.diagnostic(line) });
      assert.deepEqual(lab.problems, []);
    } finally {
      await lab.close();
      assert.equal(readFileSync(file, 'utf8'), saved, `the test changed notebooks/${name}`);
    }
  });
}
