/**
 * Every notebook in notebooks/ runs top to bottom, once through `loom run`
 * and once through Jupyter's own `nbconvert --execute` (with the kernelspec
 * installed into a temp prefix), and each produces pages a reader can use:
 * every code cell and its outputs, no raw ANSI escapes, charts as inline SVG,
 * and what each cell's `loom.expect` metadata promises. The two runs go at the
 * same time to keep the suite short.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { joinText, type Notebook } from '../../kernel/jupyter/nbformat.js';
import { waitForExit } from '../helpers/processes.js';
import { loomRun, processesWithMarker, ROOT, visibleText, withoutSources, type CliResult } from '../runner/cli.js';
import { codeCells, expectationOf, hasSvg, notebookNames, outputText } from './chapter.js';

const JUPYTER = '/usr/bin/jupyter';
const PYTHON = '/usr/bin/python3';
/** Generous: a cell runs in seconds, but CI's two cores run both executions at once. */
const CELL_TIMEOUT_SECONDS = 120;

const temp = mkdtempSync(join(tmpdir(), 'loom-notebooks-test-'));
after(() => rmSync(temp, { recursive: true, force: true }));
const names = notebookNames();

const jupyterMissing = !existsSync(JUPYTER) || spawnSync(PYTHON, ['-c', 'import nbconvert, nbclient'], { stdio: 'ignore' }).status !== 0;
if (jupyterMissing) console.log(`\n${'!'.repeat(78)}\nSKIPPED: the notebooks through nbconvert (Jupyter is not installed; CI installs it)\n${'!'.repeat(78)}\n`);

interface NbconvertRun {
  name: string;
  code: number;
  stderr: string;
  /** Processes the run started that were still alive afterwards (then killed). */
  leftBehind: number[];
}

/** `jupyter nbconvert --to html --execute` on each notebook in turn, with Loom installed into a temp prefix. */
async function nbconvertAll(out: string): Promise<NbconvertRun[]> {
  const prefix = join(temp, 'prefix');
  const install = spawnSync(process.execPath, [join(ROOT, 'bin', 'loom.js'), 'install', '--prefix', prefix], { encoding: 'utf8' });
  assert.equal(install.status, 0, install.stderr);
  const env = {
    ...process.env,
    JUPYTER_PATH: join(prefix, 'share', 'jupyter'),
    JUPYTER_DATA_DIR: join(temp, 'jupyter-data'),
    JUPYTER_RUNTIME_DIR: join(temp, 'jupyter-runtime'),
    JUPYTER_CONFIG_DIR: join(temp, 'jupyter-config'),
    IPYTHONDIR: join(temp, 'ipython'),
  };
  const runs: NbconvertRun[] = [];
  for (const name of names) {
    const marker = randomUUID();
    const args = ['nbconvert', '--to', 'html', '--execute', `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_SECONDS}`, '--output-dir', out, join('notebooks', `${name}.ipynb`)];
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(JUPYTER, args, { cwd: ROOT, env: { ...env, LOOM_RUNNER_TEST: marker }, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
      });
    });
    runs.push({ name, code, stderr, leftBehind: await reap(marker) });
  }
  return runs;
}

/** Waits briefly for a run's processes to end; kills and returns those that do not. */
async function reap(marker: string): Promise<number[]> {
  const pids = processesWithMarker(marker);
  try {
    await waitForExit(pids, 10_000);
    return [];
  } catch {
    const alive = processesWithMarker(marker);
    for (const pid of alive) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    return alive;
  }
}

/** What the notebook's HTML page must show, checked the same way for both exporters. */
function checkPage(html: string, notebook: Notebook, name: string): void {
  const visible = visibleText(html);
  assert.ok(!html.includes('\x1b'), `${name}: the page has a raw escape character`);
  const ansi = /.{0,40}\[(?:\d{1,3};)*\d{1,3}m.{0,40}/.exec(visible);
  assert.equal(ansi, null, `${name}: the page shows ANSI codes as text: ${ansi?.[0]}`);
  // A thread or process that failed without anyone joining it only prints this: the cell itself succeeds.
  const failedWorker = /Exception in (?:thread|process) .*\n.*/.exec(visible);
  assert.equal(failedWorker, null, `${name}: a worker failed: ${failedWorker?.[0]}`);
  for (const [i, cell] of codeCells(notebook).entries()) {
    const source = joinText(cell.source).trim();
    assert.ok(visible.includes(source), `${name}: the code of cell ${i + 1} is not on the page`);
    for (const expected of expectationOf(cell).expect ?? []) {
      assert.ok(visible.includes(expected), `${name}: the page lacks cell ${i + 1}'s expected ${JSON.stringify(expected)}`);
    }
  }
  const charts = codeCells(notebook).filter((cell) => expectationOf(cell).svg).length;
  const inline = (html.match(/<svg[\s>]/g) ?? []).length;
  assert.ok(inline >= charts, `${name}: ${charts} cells show a chart, but the page has ${inline} inline <svg>`);
}

describe('the notebooks run through loom run and through nbconvert', () => {
  const runnerOut = join(temp, 'loom-run-out');
  const nbconvertOut = join(temp, 'nbconvert-out');
  let runner: CliResult;
  let nbconverted: NbconvertRun[] = [];

  before(async () => {
    [runner, nbconverted] = await Promise.all([
      loomRun(['notebooks', '--no-install', '--out', runnerOut, '--timeout', String(CELL_TIMEOUT_SECONDS)]),
      jupyterMissing ? Promise.resolve([]) : nbconvertAll(nbconvertOut),
    ]);
  });

  it('loom_run_runs_every_notebook_cleanly', async () => {
    assert.equal(runner.code, 0, `loom run failed:\n${runner.stderr}`);
    for (const name of names) assert.match(runner.stdout, new RegExp(`^\\[${name.replace(/\./g, '\\.')}\\] ok in `, 'm'));
    await waitForExit(processesWithMarker(runner.marker), 10_000);
  });

  for (const name of names) {
    it(`loom_run_${name}_shows_what_its_cells_promise`, () => {
      const notebook = JSON.parse(readFileSync(join(runnerOut, `${name}.ipynb`), 'utf8')) as Notebook;
      for (const [i, cell] of codeCells(notebook).entries()) {
        const { expect = [], svg, answer } = expectationOf(cell);
        const text = outputText(cell.outputs);
        for (const expected of expect) assert.ok(text.includes(expected), `${name}, cell ${i + 1}: no ${JSON.stringify(expected)} in its outputs:\n${text}`);
        if (svg) assert.ok(hasSvg(cell.outputs), `${name}, cell ${i + 1}: no SVG output`);
        if (answer !== undefined) assert.ok(text.includes(answer), `${name}, cell ${i + 1}: the runner did not type the cell's answer ${JSON.stringify(answer)}:\n${text}`);
        assert.equal(cell.execution_count !== null, true, `${name}, cell ${i + 1} did not run`);
      }
      const html = readFileSync(join(runnerOut, `${name}.html`), 'utf8');
      checkPage(html, notebook, name);
      assert.ok(!withoutSources(html).includes('\\u001b['), `${name}: escape codes as text in the outputs`);
    });
  }

  for (const name of names) {
    it(`nbconvert_runs_${name}_and_its_page_shows_what_its_cells_promise`, { skip: jupyterMissing && 'Jupyter is not installed' }, () => {
      const run = nbconverted.find((r) => r.name === name);
      assert.ok(run, `${name} was not converted`);
      assert.equal(run.code, 0, `nbconvert --execute failed on ${name}:\n${run.stderr.split('\n').slice(-40).join('\n')}`);
      assert.deepEqual(run.leftBehind, [], `${name}: nbconvert's kernel left processes running`);
      const source = JSON.parse(readFileSync(join(ROOT, 'notebooks', `${name}.ipynb`), 'utf8')) as Notebook;
      checkPage(readFileSync(join(nbconvertOut, `${name}.html`), 'utf8'), source, name);
    });
  }
});
