import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { joinText, type CodeCell, type Notebook } from '../../kernel/jupyter/nbformat.js';
import { waitForExit } from '../helpers/processes.js';
import { FIXTURES, loomRun, processesWithMarker, visibleText, withoutSources, type CliResult } from './cli.js';

const temp = mkdtempSync(join(tmpdir(), 'loom-runner-test-'));
after(() => rmSync(temp, { recursive: true, force: true }));

describe('loom run on a notebook with every kind of output and a failing cell', () => {
  const out = join(temp, 'features-out');
  let result: CliResult;
  let notebook: Notebook;
  let cells: CodeCell[];
  let html: string;
  before(async () => {
    result = await loomRun(['test/runner/fixtures/features.ipynb', '--no-install', '--out', out, '--answers', join(FIXTURES, 'answers.json')]);
    notebook = JSON.parse(readFileSync(join(out, 'features.ipynb'), 'utf8'));
    cells = notebook.cells.filter((cell): cell is CodeCell => cell.cell_type === 'code');
    html = readFileSync(join(out, 'features.html'), 'utf8');
  });
  const text = (cell: number, name = 'stdout') =>
    cells[cell - 1].outputs.filter((o) => o.output_type === 'stream' && o.name === name).map((o) => joinText((o as { text: string[] }).text)).join('');
  const html_ = (cell: number) => cells[cell - 1].outputs.map((o) => ('data' in o ? joinText(o.data['text/html']) : '')).join('');

  it('exits_non_zero_naming_notebook_cell_and_error', () => {
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /test\/runner\/fixtures\/features\.ipynb, cell 12\/13 failed: RangeError: boom from the fixture/);
    assert.match(result.stderr, /at explode \(cell 12, line 2\)/);
  });

  it('prints_a_progress_line_per_notebook_and_cell', () => {
    assert.match(result.stdout, /^\[features\] test\/runner\/fixtures\/features\.ipynb: 13 code cells$/m);
    assert.match(result.stdout, /^\[features\] cell 1\/13 ok \(\d+\.\d s\)$/m);
    assert.match(result.stdout, /^\[features\] cell 12\/13 failed \(\d+\.\d s\)$/m);
    assert.doesNotMatch(result.stdout, /cell 13\/13/);
    assert.match(result.stdout, /^\[features\] failed in \d+\.\d s: .*features\.html$/m);
  });

  it('leaves_no_kernel_running', async () => {
    await waitForExit(processesWithMarker(result.marker));
  });

  it('merges_consecutive_stream_text', () => {
    assert.equal(cells[0].outputs.length, 1);
    assert.equal(text(1), 'printed line\nsecond line\n');
  });

  it('keeps_results_with_their_execution_count', () => {
    assert.deepEqual(cells.map((cell) => cell.execution_count), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, null]);
    const [result2] = cells[1].outputs;
    assert.equal(result2.output_type, 'execute_result');
    assert.equal(result2.output_type === 'execute_result' && result2.execution_count, 2);
    assert.equal(result2.output_type === 'execute_result' && joinText(result2.data['text/plain']), '42');
  });

  it('applies_display_updates_to_the_earlier_cell', () => {
    assert.equal(html_(3), '<b>bold html</b>');
    assert.equal(html_(4), '<i>updated version</i>');
    assert.equal(text(5), 'updated from a later cell\n');
    assert.equal(cells[4].outputs.length, 1, 'an update adds no output of its own');
  });

  it('clears_output_at_once_or_before_the_next_output', () => {
    assert.equal(cells[5].outputs.length, 1);
    assert.equal(html_(6), '<p>shown after the wait</p>');
    assert.equal(text(7), 'kept: nothing follows the wait\n');
  });

  it('answers_input_from_the_answers_file_then_the_default', () => {
    assert.equal(text(8), 'colour=blue other=hello\n');
    assert.equal(text(8, 'stdin'), 'Favourite colour? blue\nAnything else? hello\n');
  });

  it('runs_on_after_an_error_tagged_raises_exception_and_stops_at_the_first_other', () => {
    assert.equal(cells[10].outputs[0].output_type, 'error');
    const [error] = cells[11].outputs;
    assert.equal(error.output_type === 'error' && `${error.ename}: ${error.evalue}`, 'RangeError: boom from the fixture');
    assert.deepEqual(cells[12].outputs, []);
  });

  it('writes_the_notebook_like_jupyter', () => {
    const raw = readFileSync(join(out, 'features.ipynb'), 'utf8');
    assert.ok(raw.startsWith('{\n "cells": [\n'), 'one-space indent, sorted keys');
    assert.ok(raw.endsWith('}\n'));
    assert.equal((notebook.metadata.language_info as { name: string }).name, 'typescript');
    assert.deepEqual(notebook.metadata.kernelspec, { display_name: 'TypeScript (Loom)', language: 'typescript', name: 'loom' });
  });

  it('html_shows_every_cell_code_and_output', () => {
    const visible = visibleText(html);
    for (const cell of cells) assert.ok(visible.includes(joinText(cell.source)), `code of a cell is missing: ${joinText(cell.source)}`);
    for (const expected of ['printed line', 'Out[2]:', '42', 'In\u00a0[12]:', 'In\u00a0[ ]:', 'colour=blue other=hello', 'Favourite colour? blue',
      'red text and plain', 'to stderr', 'RangeError: boom from the fixture', 'at explode (cell 12, line 2)', 'Runner fixture']) {
      assert.ok(visible.includes(expected), `page lacks ${JSON.stringify(expected)}`);
    }
    assert.ok(html.includes('<b>bold html</b>') && html.includes('<i>updated version</i>'), 'text/html inline');
    const outputs = withoutSources(html);
    assert.ok(!outputs.includes('first version'), 'the display was updated');
    assert.ok(!outputs.includes('cleared at once') && !outputs.includes('cleared before the next output'));
    assert.match(html, /<h1 id="runner-fixture">Runner <em>fixture<\/em><\/h1>/);
    assert.match(html, /<title>Runner fixture<\/title>/);
  });

  it('html_has_svg_inline_and_ansi_converted', () => {
    assert.match(html, /<div class="svg"><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*><circle /);
    assert.ok(!html.includes('<?xml'));
    assert.match(html, /<span class="ansi-red-fg">red text<\/span> and plain/);
    assert.ok(!html.includes('\x1b'), 'no escape character');
    // The cell's source spells the codes out as '\x1b[31m'; no output may show them.
    const outputs = withoutSources(html);
    assert.ok(!outputs.includes('\\u001b[') && !outputs.includes('\\x1b[') && !outputs.includes('[31m'), 'no escape codes as text');
  });

  it('html_points_at_the_failing_cell', () => {
    assert.match(html, /stopped with an error in <a href="#cell-12">cell 12<\/a>: RangeError: boom from the fixture/);
    assert.match(html, /<section class="cell code failed" id="cell-12">/);
  });

  it('index_links_the_notebook_by_its_title', () => {
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    assert.match(index, /<a class="title" href="features\.html">Runner fixture<\/a>/);
    assert.match(index, /error in cell 12 of 13/);
  });
});

describe('loom run on the welcome notebook', () => {
  it('runs_it_cleanly_and_installs_no_kernelspec_with_no_install', async () => {
    const out = join(temp, 'welcome-out');
    const dataDir = join(temp, 'jupyter-data');
    const { code, stdout, stderr } = await loomRun(['notebooks/00-welcome.ipynb', '--no-install', '--out', out], { JUPYTER_DATA_DIR: dataDir });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /\[00-welcome\] ok in/);
    assert.match(stdout, /The notebook ran cleanly/);
    assert.ok(!existsSync(dataDir));
    const html = readFileSync(join(out, '00-welcome.html'), 'utf8');
    assert.match(html, /<table>/);
    assert.match(readFileSync(join(out, 'index.html'), 'utf8'), /href="00-welcome\.html">Welcome to Loom</);
  });

  it('installs_the_kernelspec_for_the_user_without_no_install', async () => {
    const dataDir = join(temp, 'jupyter-data-install');
    const { code, stdout, stderr } = await loomRun(['notebooks/00-welcome.ipynb', '--out', join(temp, 'install-out')], { JUPYTER_DATA_DIR: dataDir });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /Installed kernelspec loom in /);
    assert.ok(existsSync(join(dataDir, 'kernels', 'loom', 'kernel.json')));
  });
});

describe('loom run failures around the cells', () => {
  it('a_cell_over_the_time_limit_fails_and_its_kernel_is_shut_down', async () => {
    const result = await loomRun(['test/runner/fixtures/endless.ipynb', '--no-install', '--timeout', '1', '--out', join(temp, 'endless-out')]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /\[endless\] cell 1\/1 timed out/);
    assert.match(result.stderr, /endless\.ipynb, cell 1\/1 timed out: did not finish within 1 s/);
    await waitForExit(processesWithMarker(result.marker));
    assert.match(readFileSync(join(temp, 'endless-out', 'endless.html'), 'utf8'), /did not run to the end/);
  });

  it('no_notebooks_found_is_an_error', async () => {
    const empty = mkdtempSync(join(temp, 'empty-'));
    const { code, stderr } = await loomRun([empty, '--no-install', '--out', join(temp, 'none-out')]);
    assert.equal(code, 1);
    assert.match(stderr, /loom run: no notebooks \(\.ipynb files\) found in .*empty-/);
  });

  it('a_bad_notebook_is_named_with_its_problem', async () => {
    const bad = join(temp, 'bad.ipynb');
    writeFileSync(bad, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', source: 'x', metadata: {} }] }));
    const { code, stderr } = await loomRun([bad, '--no-install', '--out', join(temp, 'bad-out')]);
    assert.equal(code, 1);
    assert.ok(stderr.includes(`${bad}: cell 1: a code cell needs an "outputs" list`), stderr);
  });

  it('bad_flags_are_usage_errors', async () => {
    const { code, stderr } = await loomRun(['--timeout', 'soon', '--no-install']);
    assert.equal(code, 2);
    assert.match(stderr, /--timeout must be a number of seconds/);
  });
});
