/**
 * Errors thrown by code that cells send to threads, pools and processes point
 * at the cells' lines, as the cell's own errors do, two calls deep across two
 * cells: `at risky (cell 2, line 3)` and `at outer (cell 3, line 1)`. The
 * remote part is the `Caused by:` (Python shows multiprocessing's
 * RemoteTraceback as the cause of the error the pool raises, see CPython's
 * Lib/multiprocessing/pool.py ExceptionWithTraceback and
 * test_multiprocessing's test_traceback); loom's frames and the install's
 * absolute path stay out, unless LOOM_FULL_TRACEBACK is set.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KernelClient, type Execution } from '../../kernel/client/client.js';
import { streamText } from '../helpers/outputs.js';

/** The root of the install whose kernel runs here (dist/test/integration is three levels down). */
const INSTALL_ROOT = resolve(__dirname, '..', '..', '..');

const RISKY = [
  'function risky(x: number): number {',
  '  const doubled = x * 2;',
  "  if (x === 2) throw new RangeError('bad ' + x);",
  '  return doubled;',
  '}',
].join('\n');
const OUTER = 'function outer(x: number) { return risky(x) + 1; }';

function tracebackOf(execution: Execution): string {
  assert.equal(execution.reply.content.status, 'error', 'the cell should fail');
  return (execution.reply.content.traceback as string[]).join('\n');
}

/** The remote frames, mapped to both cells, and nothing a student cannot find. */
function assertReadable(text: string): void {
  assert.match(text, /at risky \(cell 2, line 3\)/, text);
  assert.match(text, /at (?:Object\.)?outer(?: \[as target\])? \(cell 3, line 1\)/, text);
  for (const noise of [INSTALL_ROOT, '<anonymous>', 'reviveCode', 'loom-ship-', 'node:internal']) {
    assert.ok(!text.includes(noise), `${JSON.stringify(noise)} shows in:\n${text}`);
  }
}

describe('tracebacks of code sent to workers point at cell lines', () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await KernelClient.start();
    for (const cell of [
      "import { Thread } from 'loom/threading';\nimport { Pool, ThreadPool, Process } from 'loom/multiprocessing';\nimport { ProcessPoolExecutor, ThreadPoolExecutor } from 'loom/futures';",
      RISKY,
      OUTER,
    ]) {
      const { reply } = await kernel.execute(cell);
      assert.equal(reply.content.status, 'ok', reply.content.evalue);
    }
  });
  after(() => kernel.close());

  it('thread_join_and_its_report_show_cell_lines', async () => {
    const execution = await kernel.execute('const t = new Thread({ target: outer, args: [2] });\nt.start();\nwhile (t.isAlive()) {}\nawait t.join();');
    const text = tracebackOf(execution);
    assert.match(text, /^RangeError: bad 2\n/);
    assert.match(text, /Caused by: RangeError: bad 2/);
    assertReadable(text);
    const report = streamText(execution.iopub, 'stderr');
    assert.match(report, /^Exception in thread Thread-\d+ \(outer\):\nRangeError: bad 2\n/);
    assertReadable(report);
  });

  it('thread_pool_map_and_thread_executor_submit_show_cell_lines', async () => {
    assertReadable(tracebackOf(await kernel.execute('{ using pool = new ThreadPool(2); await pool.map(outer, [1, 2, 3]); }')));
    assertReadable(tracebackOf(await kernel.execute('{ using executor = new ThreadPoolExecutor(2); await executor.submit(outer, 2).result(); }')));
  });

  it('process_pool_map_and_process_executor_submit_show_cell_lines', async () => {
    assertReadable(tracebackOf(await kernel.execute('{ using pool = new Pool(2); await pool.map(outer, [1, 2, 3]); }')));
    assertReadable(tracebackOf(await kernel.execute('{ using executor = new ProcessPoolExecutor(2); await executor.submit(outer, 2).result(); }')));
  });

  it('the_error_a_pool_or_future_throws_names_the_line_that_waited_for_it', async () => {
    // Python's traceback shows the `pool.map(...)` line above the RemoteTraceback; here the cell's own frame.
    const map = tracebackOf(await kernel.execute('using mapping = new Pool(1);\nawait mapping.map(outer, [1, 2, 3]);'));
    assert.match(map, /^RangeError: bad 2\n {4}at (async )?cell \d+, line 2\nCaused by: RangeError: bad 2\n/, map);
    const future = tracebackOf(await kernel.execute('using submitting = new ThreadPoolExecutor(1);\nconst failed = submitting.submit(outer, 2);\nawait failed.result();'));
    assert.match(future, /^RangeError: bad 2\n {4}at (async )?cell \d+, line 3\nCaused by: RangeError: bad 2\n/, future);
    const blocking = tracebackOf(await kernel.execute('using blocking = new ThreadPool(1);\nblocking.mapSync(outer, [2]);'));
    assert.match(blocking, /^RangeError: bad 2\n {4}at cell \d+, line 2\nCaused by: RangeError: bad 2\n/, blocking);
  });

  it('a_stack_the_workers_code_prints_itself_shows_cell_lines', async () => {
    // As traceback.print_exc() in a Python thread shows the file's lines.
    const execution = await kernel.execute([
      'function caught() {',
      '  try { outer(2); } catch (error) { console.log((error as Error).stack); }',
      '}',
      'const printer = new Thread({ target: caught });',
      'printer.start();',
      'await printer.join();',
      'const printing = new Process({ target: caught });',
      'printing.start();',
      'await printing.join();',
    ].join('\n'));
    assert.equal(execution.reply.content.status, 'ok', execution.reply.content.evalue);
    const printed = streamText(execution.iopub, 'stdout');
    const stacks = printed.split(/^(?=RangeError)/m);
    assert.equal(stacks.length, 2, printed);
    for (const stack of stacks) {
      assert.match(stack, /at risky \(cell 2, line 3\)\n {4}at outer \(cell 3, line 1\)\n {4}at (?:Object\.)?caught(?: \[as target\])? \(cell \d+, line 2\)/, stack);
      assert.ok(!stack.includes('loom-ship-'), stack);
    }
  });

  it('process_report_and_join_show_cell_lines', async () => {
    const execution = await kernel.execute('const p = new Process({ target: outer, args: [2] });\np.start();\nawait p.join();');
    assertReadable(tracebackOf(execution));
    const report = streamText(execution.iopub, 'stderr');
    assert.match(report, /^Exception in process Process-\d+ \(pid \d+\):\nRangeError: bad 2\n/);
    assertReadable(report);
  });

  it('a_process_started_inside_a_thread_keeps_the_cell_lines', async () => {
    // The thread ships `nested` on to a process: the source it revived keeps the origin it came with.
    // (Self-contained: a thread does not resolve the notebook's names when it ships.)
    const definition = await kernel.execute([
      'function nested(x: number) {',
      '  function deep(y: number) {',
      "    if (y === 2) throw new RangeError('deep ' + y);",
      '    return y;',
      '  }',
      '  return deep(x);',
      '}',
    ].join('\n'));
    assert.equal(definition.reply.content.status, 'ok', definition.reply.content.evalue);
    const cell = definition.reply.content.execution_count as number;
    const text = tracebackOf(await kernel.execute([
      'const relay = new Thread({ target: async () => {',
      '  const child = new Process({ target: nested, args: [2] });',
      '  child.start();',
      '  await child.join();',
      '} });',
      'relay.start();',
      'await relay.join();',
    ].join('\n')));
    assert.match(text, new RegExp(`at deep \\(cell ${cell}, line 3\\)[^]*at (?:Object\\.)?nested(?: \\[as target\\])? \\(cell ${cell}, line 6\\)`), text);
    assert.ok(!text.includes(INSTALL_ROOT) && !text.includes('loom-ship-'), text);
  });

  it('full_traceback_setting_shows_loom_frames', async () => {
    // Read when an error is formatted: in the thread (which copies the environment when it
    // starts) and in the kernel, after the cell; so it is set in a cell before and unset after.
    assert.equal((await kernel.execute("process.env.LOOM_FULL_TRACEBACK = '1';")).reply.content.status, 'ok');
    try {
      const text = tracebackOf(await kernel.execute('const u = new Thread({ target: outer, args: [2] });\nu.start();\nawait u.join();'));
      assert.match(text, /at risky \(cell 2, line 3\)/, text);
      // Inside the thread, run() and the thread's entry: loom's own frames, with their paths.
      assert.match(text, /Caused by: [^]*at Thread\.run \(.*threading[/\\]thread\.[jt]s:\d+:\d+\)/, text);
      assert.match(text, /entry[/\\]thread\.[jt]s/, text);
    } finally {
      await kernel.execute('delete process.env.LOOM_FULL_TRACEBACK;');
    }
  });
});

describe('with source maps on, the kernel still shows none of loom\'s frames', () => {
  let kernel: KernelClient;
  before(async () => {
    // Loom's frames then point at its .ts sources (src/threading/thread.ts), not at dist/.
    kernel = await KernelClient.start({ env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --enable-source-maps`.trim() } });
    for (const cell of ["import { Thread } from 'loom/threading';\nimport { Pool } from 'loom/multiprocessing';", RISKY, OUTER]) {
      const { reply } = await kernel.execute(cell);
      assert.equal(reply.content.status, 'ok', reply.content.evalue);
    }
  });
  after(() => kernel.close());

  it('thread_and_pool_errors_leave_out_the_install', async () => {
    const thread = await kernel.execute('const t = new Thread({ target: outer, args: [2] });\nt.start();\nawait t.join();');
    assertReadable(tracebackOf(thread));
    assertReadable(streamText(thread.iopub, 'stderr'));
    assertReadable(tracebackOf(await kernel.execute('{ using pool = new Pool(2); await pool.map(outer, [1, 2, 3]); }')));
  });
});
