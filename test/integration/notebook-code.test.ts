/**
 * Code defined in cells runs in threads, processes and pools as it is: the
 * functions, classes, imports and constants of the notebook it uses come
 * along (kernel/executor/runtime/notebook-declarations.ts, src/internal/ship/).
 * A real kernel over ZeroMQ, started in a notebook folder of our own with a
 * package in its node_modules; every cell is type-checked first, as in a notebook.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KernelClient, type Execution } from '../../kernel/client/client.js';
import { assertOk, closeNotebook, notebookFolder, result } from '../helpers/notebook-kernel.js';

const FIXTURES: Record<string, string> = {
  'node_modules/shout-fixture/package.json': JSON.stringify({ name: 'shout-fixture', version: '1.0.0', main: 'index.js' }),
  'node_modules/shout-fixture/index.js': "exports.shout = (text) => text.toUpperCase() + '!';\n",
};

describe('code defined in cells runs in workers', () => {
  let kernel: KernelClient;
  let notebook: string;
  const cell = (...lines: string[]): Promise<Execution> => kernel.execute(lines.join('\n'));

  before(async () => {
    notebook = notebookFolder('loom-notebook-code-', FIXTURES);
    kernel = await KernelClient.start({ cwd: notebook });
  });

  after(() => closeNotebook(kernel, notebook));

  it('cell_function_runs_in_process_pool', async () => {
    assertOk(await cell("import { Pool } from 'loom/multiprocessing';", 'const OFFSET = 100;'));
    assertOk(await cell('function square(x: number): number { return x * x; }'));
    const shown = result(await cell(
      'function withOffset(x: number): number { return square(x) + OFFSET; }',
      'const squares = new Pool(2);',
      'const squared = await squares.map(withOffset, [1, 2, 3]);',
      'squares.terminate();',
      'squared',
    ));
    assert.equal(shown, '[ 101, 104, 109 ]');
  });

  it('cell_thread_subclass_uses_notebook_constant', async () => {
    const shown = result(await cell(
      "import { Thread } from 'loom/threading';",
      'const LIMIT = 2e6;',
      'class Counter extends Thread {',
      '  count = 0;',
      '  override run(): void { for (let i = 0; i < LIMIT; i++) this.count++; }',
      '}',
      'const counter = new Counter();',
      'counter.start();',
      'while (counter.isAlive()) {}',
      'counter.count',
    ));
    assert.equal(shown, '2000000');
  });

  it('cell_process_subclass_runs', async () => {
    const shown = result(await cell(
      "import { Process, Queue as ProcessQueue } from 'loom/multiprocessing';",
      'const SIDE = 7;',
      'const areas = new ProcessQueue<number>();',
      'class Area extends Process {',
      '  override run(): void { areas.putSync(SIDE * SIDE); }',
      '}',
      'const area = new Area();',
      'area.start();',
      'await area.join();',
      '[await areas.get(), area.exitCode]',
    ));
    assert.equal(shown, '[ 49, 0 ]');
  });

  it('thread_pool_and_both_executors_run_cell_functions', async () => {
    assertOk(await cell(
      "import { ThreadPool } from 'loom/multiprocessing';",
      "import { ThreadPoolExecutor, ProcessPoolExecutor } from 'loom/futures';",
      'const BONUS = 1000;',
      'function scoreOf(x: number): number { return x * 10; }',
    ));
    const shown = result(await cell(
      'function boosted(x: number): number { return scoreOf(x) + BONUS; }',
      'const threadPool = new ThreadPool(2);',
      'const threadExecutor = new ThreadPoolExecutor(2);',
      'const processExecutor = new ProcessPoolExecutor(2);',
      'const boostedEverywhere = [await threadPool.map(boosted, [1, 2]), await threadExecutor.submit(boosted, 3), await processExecutor.submit(boosted, 4)];',
      'threadPool.terminate();',
      'await threadExecutor.shutdown();',
      'await processExecutor.shutdown();',
      'boostedEverywhere',
    ));
    assert.equal(shown, '[ [ 1010, 1020 ], 1030, 1040 ]');
  });

  it('imports_travel_with_cell_code', async () => {
    assertOk(await cell(
      "import fs from 'node:fs';",
      "import * as path from 'node:path';",
      "import { shout } from 'shout-fixture';",
      "import { Thread } from 'loom/threading';",
      "import { Pool } from 'loom/multiprocessing';",
      'function describeFile(file: string): string { return `${path.basename(file)} ${fs.existsSync(file)} ${shout(\'found\')}`; }',
    ));
    const shown = result(await cell(
      'const describers = new Pool(1);',
      "const inProcess = await describers.apply(describeFile, [path.join(process.cwd(), 'node_modules', 'shout-fixture', 'index.js')]);",
      'describers.terminate();',
      "class Describer extends Thread { text = ''; override run(): void { this.text = describeFile('/no/such/file.txt'); } }",
      'const describer = new Describer();',
      'describer.start();',
      'await describer.join();',
      '[inProcess, describer.text]',
    ));
    assert.equal(shown, "[ 'index.js true FOUND!', 'file.txt false FOUND!' ]");
  });

  it('values_are_copied_at_start_time', async () => {
    assertOk(await cell(
      "import { Thread, Event } from 'loom/threading';",
      "import { Queue } from 'loom/queue';",
      "import { Pool } from 'loom/multiprocessing';",
      'const settings = { factor: 2 };',
      'const go = new Event();',
      'const seen = new Queue<number>();',
      // The worker's change to its copy must not come back.
      'function report(): void { go.waitSync(); seen.putSync(settings.factor); settings.factor = -1; }',
    ));
    const shown = result(await cell(
      'settings.factor = 3;',
      'const reporter = new Thread({ target: report });',
      'reporter.start();',
      'settings.factor = 4;',
      'go.set();',
      'await reporter.join();',
      'const copies = new Pool(1);',
      'settings.factor = 5;',
      'const fromPool = await copies.apply(() => settings.factor, []);',
      'copies.terminate();',
      '[await seen.get(), fromPool, settings.factor]',
    ));
    assert.equal(shown, '[ 3, 5, 5 ]');
  });

  it('lock_in_notebook_variable_is_shared', async () => {
    const shown = result(await cell(
      "import { Thread, Lock } from 'loom/threading';",
      "import { Value } from 'loom/multiprocessing';",
      'const guard = new Lock();',
      "const tally = new Value('i', 0, { lock: false });",
      "const probe = new Value('i', 0, { lock: false });",
      // With the lock held here, a thread that shares it cannot take it.
      'guard.acquireSync();',
      'const prober = new Thread({ target: () => { probe.value = guard.acquireSync({ blocking: false }) ? 1 : 2; } });',
      'prober.start();',
      'await prober.join();',
      'guard.release();',
      'function addMany(): void { for (let i = 0; i < 20000; i++) { guard.acquireSync(); tally.value += 1; guard.release(); } }',
      'const adders = [new Thread({ target: addMany }), new Thread({ target: addMany })];',
      'for (const adder of adders) adder.start();',
      'for (const adder of adders) await adder.join();',
      '[probe.value, tally.value]',
    ));
    assert.equal(shown, '[ 2, 40000 ]');
  });

  it('redefined_function_is_shipped_anew', async () => {
    assert.equal(result(await cell(
      "import { Pool, ThreadPool } from 'loom/multiprocessing';",
      'const reused = new Pool(1);',
      'const reusedThreads = new ThreadPool(1);',
      'function stepOf(): number { return 1; }',
      'function step(x: number): number { return x + stepOf(); }',
      '[await reused.map(step, [1]), await reusedThreads.map(step, [1])]',
    )), '[ [ 2 ], [ 2 ] ]');
    assert.equal(result(await cell(
      'function stepOf(): number { return 100; }',
      '[await reused.map(step, [1]), await reusedThreads.map(step, [1])]',
    )), '[ [ 101 ], [ 101 ] ]', 'a helper redefined in a later cell');
    assert.equal(result(await cell(
      'function step(x: number): number { return x * stepOf(); }',
      'const stepped = [await reused.map(step, [2]), await reusedThreads.map(step, [2])];',
      'reused.terminate();',
      'reusedThreads.terminate();',
      'stepped',
    )), '[ [ 200 ], [ 200 ] ]', 'the task function itself redefined');
  });

  it('uncloneable_notebook_value_names_the_variable', async () => {
    const { reply } = await cell(
      "import net from 'node:net';",
      "import { Thread } from 'loom/threading';",
      'const server = net.createServer();',
      'function isListening(): boolean { return server.listening; }',
      'new Thread({ target: isListening }).start();',
    );
    assert.equal(reply.content.status, 'error');
    assert.equal(reply.content.ename, 'NotShippableError', reply.content.evalue);
    assert.match(reply.content.evalue, /'server' is a Server/);
    assert.match(reply.content.evalue, /cannot be copied to a thread/);
    assert.match(reply.content.evalue, /Create it inside the function/);
  });
});
