/**
 * The notebook's own TypeScript files, imported as cells import them, also
 * inside the threads, pool tasks and processes a cell starts
 * (kernel/executor/runtime/worker-modules.ts): a module binding the cell made
 * and used by the shipped function, and import()/require() inside the
 * function, resolved from the notebook's folder, also from a thread that a
 * thread or a process started. A real kernel over ZeroMQ, started in a
 * notebook folder of our own; every cell is type-checked first.
 *
 * Python has no TypeScript; what this mirrors is that a module next to the
 * notebook imports the same in a worker as in the notebook (a function of
 * helper.py used by a multiprocessing.Pool task, CPython's test_multiprocessing
 * importing its test modules from the test's folder, sys.path[0]).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KernelClient, type Execution } from '../../kernel/client/client.js';
import { assertOk, closeNotebook, failure, notebookFolder, result } from '../helpers/notebook-kernel.js';

// No package.json: Node alone would take these .ts files for CommonJS, and could not run them.
const FIXTURES: Record<string, string> = {
  'lib/helper.ts': 'export function triple(x: number): number { return x * 3; }\n',
  'lib/util.ts': [
    "import { twice } from './twice.js';",
    "import type { Pair } from './types.ts';",
    'export function sum(pair: Pair): number { return twice(pair.a) + pair.b; }',
    '',
  ].join('\n'),
  'lib/twice.ts': 'export const twice = (n: number): number => 2 * n;\n',
  // Only types: run, it would throw, so a type-only import must stay erased.
  'lib/types.ts': "export interface Pair { a: number; b: number }\nthrow new Error('types.ts ran: a type-only import was kept');\n",
  'lib/shapes.mts': 'export const sides: Record<string, number> = { triangle: 3, square: 4 };\n',
  'lib/fresh.ts': 'export const fresh: boolean = true;\n',
  'lib/legacy.cts': "const legacy: { name: string } = { name: 'legacy' };\nexport = legacy;\n",
  'lib/label.ts': 'export function label(n: number): string { return `#${n}`; }\n',
  'node_modules/shout-fixture/package.json': JSON.stringify({ name: 'shout-fixture', version: '1.0.0', main: 'index.js' }),
  'node_modules/shout-fixture/index.js': "exports.shout = (text) => text.toUpperCase() + '!';\n",
};

describe('TypeScript imports inside threads, pools and processes', () => {
  let kernel: KernelClient;
  let notebook: string;
  const cell = (...lines: string[]): Promise<Execution> => kernel.execute(lines.join('\n'));

  before(async () => {
    notebook = notebookFolder('loom-worker-ts-', FIXTURES);
    kernel = await KernelClient.start({ cwd: notebook });
    assertOk(await cell(
      "import { Thread } from 'loom/threading';",
      "import { Pool, Process, Queue as ProcessQueue, ThreadPool } from 'loom/multiprocessing';",
      "import { ProcessPoolExecutor, ThreadPoolExecutor } from 'loom/futures';",
      "import { triple } from './lib/helper.ts';",
      "import { sum } from './lib/util.ts';",
      "import type { Pair } from './lib/types.ts';",
      "import { sides } from './lib/shapes.mts';",
      "import { twice } from './lib/twice.js';",
      "import legacy from './lib/legacy.cts';",
      "import { label } from './lib/label';",
      'function work(n: number): number { const pair: Pair = { a: n, b: sides.square }; return triple(n) + sum(pair) + twice(100); }',
      'function names(n: number): string { return `${legacy.name} ${label(n)}`; }',
    ));
  });

  after(() => closeNotebook(kernel, notebook));

  // work(n) = 3n + (2n + 4) + 200
  it('static_imports_of_ts_mts_cts_work_in_a_thread_and_thread_pools', async () => {
    const shown = result(await cell(
      'class Worker1 extends Thread { value = 0; override run(): void { this.value = work(1); } }',
      'const worker1 = new Worker1();',
      'worker1.start();',
      'await worker1.join();',
      'const threadPool = new ThreadPool(2);',
      'const threadExecutor = new ThreadPoolExecutor(1);',
      'const inThreads = [worker1.value, await threadPool.map(work, [2, 3]), await threadExecutor.submit(work, 4), await threadPool.apply(names, [1])];',
      'threadPool.terminate();',
      'await threadPool.join();',
      'await threadExecutor.shutdown();',
      'inThreads',
    ));
    assert.equal(shown, "[ 209, [ 214, 219 ], 224, 'legacy #1' ]");
  });

  it('static_imports_of_ts_mts_cts_work_in_process_pools_and_a_process', async () => {
    const shown = result(await cell(
      'const processPool = new Pool(2);',
      'const processExecutor = new ProcessPoolExecutor(1);',
      'const workResults = new ProcessQueue<number>();',
      'class Worker5 extends Process { override run(): void { workResults.putSync(work(5)); } }',
      'const worker5 = new Worker5();',
      'worker5.start();',
      'await worker5.join();',
      'const inProcesses = [await processPool.map(work, [1, 2]), await processExecutor.submit(work, 3), await workResults.get(), worker5.exitCode, await processPool.apply(names, [2])];',
      'processPool.terminate();',
      'await processPool.join();',
      'await processExecutor.shutdown();',
      'inProcesses',
    ));
    assert.equal(shown, "[ [ 209, 214 ], 219, 229, 0, 'legacy #2' ]");
  });

  it('import_and_require_inside_a_thread_resolve_from_the_notebook', async () => {
    const shown = result(await cell(
      'class Importer extends Thread {',
      '  found: unknown[] = [];',
      '  override async run(): Promise<void> {',
      "    const util = await import('./lib/util.ts');",
      "    const extensionless = await import('./lib/util');",
      "    const shapes = await import('./lib/shapes.mts');",
      "    const jsForTs = await import('./lib/twice.js');",
      "    this.found = [util.sum({ a: 1, b: 1 }), extensionless.sum === util.sum, shapes.sides.triangle, jsForTs.twice(4),",
      "      require('./lib/helper.ts').triple(5), require('./lib/twice.js').twice(6), require('./lib/helper').triple(7), typeof require('loom/queue').Queue];",
      '  }',
      '}',
      'const importer = new Importer();',
      'importer.start();',
      'await importer.join();',
      "importer.found.join(' ')",
    ));
    assert.equal(shown, "'3 true 3 8 15 12 21 function'");
  });

  it('a_cell_requires_js_meaning_ts_as_its_workers_do', async () => {
    assert.equal(result(await cell("require('./lib/twice.js').twice(21)")), '42');
  });

  it('import_and_require_inside_a_process_resolve_from_the_notebook', async () => {
    const shown = result(await cell(
      'const found = new ProcessQueue<unknown[]>();',
      'class ProcessImporter extends Process {',
      '  override async run(): Promise<void> {',
      "    const util = await import('./lib/util.js');",
      "    const shapes = await import('./lib/shapes.mts');",
      "    found.putSync([util.sum({ a: 2, b: 1 }), shapes.sides.square, require('./lib/helper.ts').triple(3), require('./lib/util').sum({ a: 0, b: 9 })]);",
      '  }',
      '}',
      'const processImporter = new ProcessImporter();',
      'processImporter.start();',
      'await processImporter.join();',
      '[await found.get(), processImporter.exitCode]',
    ));
    assert.equal(shown, '[ [ 5, 4, 9, 9 ], 0 ]');
  });

  it('threads_started_by_a_thread_or_a_process_import_from_the_notebook_too', async () => {
    const shown = result(await cell(
      'class NestedImporter extends Thread {',
      "  text = '';",
      '  override async run(): Promise<void> {',
      "    const util = await import('./lib/util');",
      "    this.text = `${util.sum({ a: 1, b: 0 })} ${require('./lib/twice.js').twice(2)}`;",
      '  }',
      '}',
      'async function importInside(where: string): Promise<string> {',
      '  const inner = new NestedImporter();',
      '  inner.start();',
      '  await inner.join();',
      '  return `${where} ${inner.text}`;',
      '}',
      "class OuterThread extends Thread { text = ''; override async run(): Promise<void> { this.text = await importInside('thread in thread'); } }",
      'const nested = new ProcessQueue<string>();',
      "class OuterProcess extends Process { override async run(): Promise<void> { nested.putSync(await importInside('thread in process')); } }",
      'const outerThread = new OuterThread();',
      'outerThread.start();',
      'await outerThread.join();',
      'const outerProcess = new OuterProcess();',
      'outerProcess.start();',
      'await outerProcess.join();',
      '[outerThread.text, await nested.get(), outerProcess.exitCode]',
    ));
    assert.equal(shown, "[ 'thread in thread 2 4', 'thread in process 2 4', 0 ]");
  });

  it('a_missing_file_is_an_error_naming_it_in_the_notebook_folder', async () => {
    const imported = await cell(
      '// @ts-nocheck',
      "const importsMissing = new Thread({ target: async () => { await import('./lib/missing.ts'); } });",
      'importsMissing.start();',
      'await importsMissing.join();',
    );
    assert.equal(imported.reply.content.status, 'error');
    assert.equal(imported.reply.content.evalue,
      `Cannot find module '${join(notebook, 'lib', 'missing.ts')}' imported from the notebook's folder ${notebook}`, failure(imported));
    const required = await cell(
      "const requiresMissing = new Process({ target: () => { require('./lib/missing'); } });",
      'requiresMissing.start();',
      'await requiresMissing.join();',
    );
    assert.equal(required.reply.content.status, 'error');
    assert.match(required.reply.content.evalue, /^Cannot find module '\.\/lib\/missing'/, failure(required));
    assert.ok(required.reply.content.evalue.includes(join(notebook, '<notebook>')), failure(required));
  });

  it('a_package_imported_inside_a_thread_comes_from_the_notebook_node_modules', async () => {
    const shown = result(await cell(
      "class Shouter extends Thread { text = ''; override async run(): Promise<void> { this.text = (await import('shout-fixture')).shout('found'); } }",
      'const shouter = new Shouter();',
      'shouter.start();',
      'await shouter.join();',
      'shouter.text',
    ));
    assert.equal(shown, "'FOUND!'");
  });

  it('a_thread_loads_the_compiler_only_for_a_typescript_file_no_cell_imported', async () => {
    // lib/helper.ts was compiled by the executor when the first cell imported it; lib/fresh.ts never was.
    const shown = result(await cell(
      "const compilerLoaded = (): boolean => Object.keys(require.cache).some((file) => file.includes('/node_modules/typescript/'));",
      'class Plain extends Thread {',
      '  loaded: boolean[] = [];',
      '  override run(): void {',
      '    this.loaded.push(compilerLoaded());',
      "    this.loaded.push(require('./lib/helper.ts').triple(1) === 3 && compilerLoaded());",
      "    this.loaded.push(require('./lib/fresh.ts').fresh === true && compilerLoaded());",
      '  }',
      '}',
      'const plain = new Plain();',
      'plain.start();',
      'await plain.join();',
      'plain.loaded',
    ));
    assert.equal(shown, '[ false, false, true ]');
  });
});
