import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KernelClient, type Execution, type Message } from '../../kernel/client/client.js';
import { notebookPage } from '../../kernel/export/notebook-page.js';
import { OutputCollector } from '../../kernel/runner/collect-outputs.js';
import { joinText, type CodeCell } from '../../kernel/jupyter/nbformat.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { ofType } from '../helpers/outputs.js';

/** A pool task that waits `ms` inside the worker (a stand-in for work), self-contained as pool tasks must be. */
const WAIT_TASK = '(ms: number) => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); return ms; }';

describe('progress bars, charts and tables in cells', () => {
  let kernel: KernelClient;
  // The cells run here, kept as a notebook the way the runner keeps them, for the export test.
  const collector = new OutputCollector();
  const cells: CodeCell[] = [];

  async function run(code: string): Promise<Execution> {
    const execution = await kernel.execute(code);
    assert.equal(execution.reply.content.status, 'ok', `${execution.reply.content.ename}: ${execution.reply.content.evalue}`);
    const cell: CodeCell = { cell_type: 'code', metadata: {}, source: code, outputs: [], execution_count: execution.reply.content.execution_count };
    collector.startCell(cell);
    for (const message of execution.iopub) collector.add(cell, message);
    cells.push(cell);
    return execution;
  }

  const text = (message: Message) => String(message.content.data['text/plain']);

  before(async () => {
    kernel = await KernelClient.start();
    // Workers started ahead, so the maps below time only their tasks.
    await run("import { Pool } from 'loom/multiprocessing';\nconst pool = new Pool(2);\nawait pool.map((x: number) => x, [1, 2]);");
  });

  after(async () => {
    const pids = kernel.process ? [kernel.process.pid!, ...descendantsOf(kernel.process.pid!)] : [];
    await kernel.execute('pool.terminate()').catch(() => undefined);
    await kernel.close();
    await waitForExit(pids);
  });

  it('long_pool_map_shows_progress_that_updates_in_place', async () => {
    // 20 tasks of 150 ms on 2 workers: at least 1.5 s, past the 1 s after which a bar shows.
    const { iopub } = await run(`const waited = await pool.map(${WAIT_TASK}, Array(20).fill(150));\nwaited.length`);
    const [shown, ...others] = ofType(iopub, 'display_data');
    assert.equal(others.length, 0, 'one bar');
    const id = shown.content.transient?.display_id;
    assert.equal(typeof id, 'string');
    assert.match(text(shown), /^map [█░]{24} \d+\/20 tasks, \d+ s, 2 processes$/);
    assert.match(String(shown.content.data['text/html']), /width:\d+(\.\d)?%/);
    const updates = ofType(iopub, 'update_display_data');
    assert.ok(updates.length >= 1);
    assert.ok(updates.every((update) => update.content.transient?.display_id === id), 'every update replaces the same bar');
    assert.match(text(updates.at(-1)!), /^map: 20\/20 tasks in \d+\.\d s on 2 processes$/);
    assert.match(String(updates.at(-1)!.content.data['text/html']), /<div [^>]*>map: 20\/20 tasks in \d+\.\d s on 2 processes<\/div>/);
    const kinds = iopub.map((m) => m.header.msg_type);
    assert.ok(kinds.lastIndexOf('update_display_data') < kinds.indexOf('execute_result'), 'the summary is in place before the cell ends');
    assert.equal(text(ofType(iopub, 'execute_result')[0]), '20');
  });

  it('short_map_shows_no_progress', async () => {
    const { iopub } = await run('await pool.map((x: number) => x * 2, [1, 2, 3])');
    assert.deepEqual(ofType(iopub, 'display_data').concat(ofType(iopub, 'update_display_data')), []);
    assert.equal(text(ofType(iopub, 'execute_result')[0]), '[ 2, 4, 6 ]');
  });

  it('progress_false_shows_no_bar_for_a_long_map', async () => {
    // 12 tasks of 200 ms on 2 workers: at least 1.2 s.
    const { iopub } = await run(`(await pool.map(${WAIT_TASK}, Array(12).fill(200), { progress: false })).length`);
    assert.deepEqual(ofType(iopub, 'display_data').concat(ofType(iopub, 'update_display_data')), []);
    assert.equal(text(ofType(iopub, 'execute_result')[0]), '12');
  });

  it('chart_shows_as_svg_in_a_cell', async () => {
    const { iopub } = await run([
      "import { barChart } from 'loom/display';",
      "await barChart([{ workers: 1, seconds: 3.4 }, { workers: 2, seconds: 1.8 }], { x: 'workers', y: 'seconds', title: 'Pool.map timing' })",
    ].join('\n'));
    const [result] = ofType(iopub, 'execute_result');
    const svg = String(result.content.data['image/svg+xml']);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal((svg.match(/aria-roledescription="bar"/g) ?? []).length, 2);
    assert.ok(svg.includes('Pool.map timing') && svg.includes('3.4'));
    assert.doesNotMatch(svg, /<script/i);
    assert.equal(text(result), 'bar chart "Pool.map timing": seconds by workers (2 bars)');
  });

  it('table_shows_as_html_in_a_cell', async () => {
    const { iopub } = await run("import { table } from 'loom/display';\ntable([{ run: '<i>serial</i>', seconds: 3.41 }, { run: 'pool', seconds: 1.8 }], { caption: 'Timing' })");
    const [result] = ofType(iopub, 'execute_result');
    const html = String(result.content.data['text/html']);
    assert.match(html, /^<table /);
    assert.ok(html.includes('&lt;i&gt;serial&lt;/i&gt;') && !html.includes('<i>'), 'values are escaped');
    assert.match(html, /text-align:right">3\.410<\/td>/);
    assert.equal(text(result), 'Timing\nrun            seconds\n-------------  -------\n<i>serial</i>    3.410\npool             1.800');
  });

  it('exported_page_shows_the_chart_inline_the_table_and_the_map_as_its_summary', async () => {
    const page = await notebookPage({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }, { name: 'progress' });
    const progressCell = cells.find((cell) => joinText(cell.source).includes('Array(20)'))!;
    assert.equal(progressCell.outputs.length, 2, 'the bar, then the result');
    assert.match(page, /<div class="svg"><svg [^>]*>[^]*Pool\.map timing[^]*<\/svg><\/div>/);
    assert.match(page, /<div class="html"><div [^>]*>map: 20\/20 tasks in \d+\.\d s on 2 processes<\/div><\/div>/);
    assert.doesNotMatch(page, /\d+\/20 tasks, \d+ s/, 'no bar left half-way');
    assert.match(page, /<div class="html"><table [^]*&lt;i&gt;serial&lt;\/i&gt;/);
    assert.doesNotMatch(page, /<script/i);
  });
});
