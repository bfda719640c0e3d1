// The notebook test's checks, by themselves and in the browser: it passes a
// notebook that shows what its cells expect, and fails one that does not,
// naming the cell and the missing text.
import assert from 'node:assert/strict';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { launchBrowser } from '../harness/browser.mjs';
import { ExpectationError, cellExpectations, unmetExpectations } from '../harness/cell-expectations.mjs';
import { LabPage } from '../harness/lab-page.mjs';
import { ARTIFACTS } from '../harness/paths.mjs';
import { runNotebookStepByStep } from '../harness/run-notebook.mjs';
import { serverFromEnv, shutDownAllSessions } from '../harness/server-from-env.mjs';

const codeCell = (loom, tags) => ({ cell_type: 'code', metadata: { loom, tags }, source: '' });

describe('reading and checking cell expectations', () => {
  test('a cell without metadata expects nothing but no error', () => {
    const expectations = cellExpectations({ cell_type: 'code', metadata: {}, source: '' }, 'cell 1');
    assert.deepEqual(unmetExpectations(expectations, { text: '', outputs: [], svgCount: 0 }), []);
    const error = { output_type: 'error', ename: 'TypeError', evalue: 'x is not a function', traceback: [] };
    assert.deepEqual(unmetExpectations(expectations, { text: '', outputs: [error], svgCount: 0 }), ['an error output: TypeError: x is not a function']);
  });

  test('expected text, SVG charts and raises-exception are checked', () => {
    const expectations = cellExpectations(codeCell({ expect: ['42', 'done'], svg: true }, ['raises-exception']), 'cell 2');
    const error = { output_type: 'error', ename: 'Error', evalue: 'allowed', traceback: [] };
    assert.deepEqual(unmetExpectations(expectations, { text: 'answer: 42', outputs: [error], svgCount: 0 }), ['its outputs lack "done"', 'its outputs show no SVG chart']);
    assert.deepEqual(unmetExpectations(expectations, { text: '42 done', outputs: [error], svgCount: 1 }), []);
  });

  test('malformed metadata is refused, naming the cell', () => {
    assert.throws(() => cellExpectations(codeCell({ expect: [3] }), 'x.ipynb, cell 4'), (error) => error instanceof ExpectationError && /x\.ipynb, cell 4: metadata loom\.expect/.test(error.message));
    assert.throws(() => cellExpectations(codeCell({ svg: 'yes' }), 'cell 1'), /loom\.svg must be true or false/);
    assert.throws(() => cellExpectations(codeCell({ answer: 7 }), 'cell 1'), /loom\.answer must be a string/);
    assert.deepEqual(cellExpectations(codeCell({ expect: 'one' }), 'cell 1').expect, ['one']);
  });
});

describe('the notebook test in JupyterLab', () => {
  const server = serverFromEnv();
  let browser;
  let lab;

  before(async () => {
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await lab?.close();
    await shutDownAllSessions(server);
  });

  after(() => browser?.close());

  test('passes a notebook whose cells show what they expect: text, an SVG chart, an answered input(), an allowed error', { timeout: 180_000 }, async () => {
    lab = await LabPage.open(browser, server);
    const notebook = await runNotebookStepByStep(lab, 'fixtures/cell-expectations.ipynb');
    assert.match(await notebook.outputText(4), /hello, Ada!/);
    assert.deepEqual(lab.problems, []);
  });

  test('fails a notebook whose cell lacks what it expects, naming the notebook, the cell and the text', { timeout: 180_000 }, async () => {
    lab = await LabPage.open(browser, server);
    const failure = await runNotebookStepByStep(lab, 'fixtures/unmet-expectation.ipynb').then(
      () => assert.fail('the run passed'),
      (error) => error,
    );
    assert.match(failure.message, /fixtures\/unmet-expectation\.ipynb, cell 3 of 3 \(code: "console\.log\('what the cell prints'\);"\): its outputs lack "what the cell does not print"/);
    const screenshot = /screenshot: (.+\.png)/.exec(failure.message)?.[1];
    assert.ok(screenshot && existsSync(screenshot), `no screenshot of the failure (${failure.message})`);
    // This failure was wanted: its screenshot must not read as a failed run.
    renameSync(screenshot, join(ARTIFACTS, 'expected-failure-unmet-expectation.png'));
  });
});
