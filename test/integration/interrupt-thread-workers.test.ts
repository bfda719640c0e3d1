/**
 * Interrupting a cell stops the pools and processes that a Thread the cell
 * started made, as it stops the cell's own (issue 21): the thread's process
 * pool tasks lose their workers, its thread pool's tasks their threads, its
 * Process is terminated, two threads deep as well, whether the thread waits
 * in a `...Sync` call or awaits. The thread itself runs on (Python's
 * KeyboardInterrupt reaches the main thread only; a thread is never stopped):
 * what it waited for fails with Interrupted, and it reports that on a queue.
 *
 * As in interrupt-workers.test.ts, every task prints where it runs when it
 * starts and then blocks its worker for ten minutes; the test interrupts
 * once the lines it waits for have arrived (no sleeps), so a task that was
 * not stopped would keep its worker, and the thread's wait would not end.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { interruptCells, pidsOf } from '../helpers/interrupt-cells.js';
import { closeWithChildren } from '../helpers/notebook-kernel.js';
import { KernelClient, type Message } from '../../kernel/client/client.js';
import { waitForExit } from '../helpers/processes.js';

describe('interrupting a cell stops the work of the threads it started', () => {
  let kernel: KernelClient;
  const cells = interruptCells(() => kernel);
  const { ok } = cells;
  before(async () => {
    kernel = await KernelClient.start();
    await ok(
      [
        "import { Thread } from 'loom/threading';",
        "import { Process, Pool, ThreadPool } from 'loom/multiprocessing';",
        "import { ThreadPoolExecutor, ProcessPoolExecutor } from 'loom/futures';",
        "import { Queue } from 'loom/queue';",
      ].join('\n'),
    );
    await ok(
      [
        // A task that says where it runs ("pid:threadId"), then blocks its worker for ten minutes.
        'function slow(n: number): number {',
        "  console.log(`started ${n} in ${process.pid}:${require('node:worker_threads').threadId}`);",
        '  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);',
        '  return n;',
        '}',
        // What a thread's wait ended with: its value, or its error's name.
        'function outcomeOf(wait: () => unknown): string {',
        '  try { return `value ${String(wait())}`; } catch (error) { return (error as Error).name; }',
        '}',
        'async function outcomeOfAsync(wait: () => Promise<unknown>): Promise<string> {',
        '  try { return `value ${String(await wait())}`; } catch (error) { return (error as Error).name; }',
        '}',
      ].join('\n'),
    );
  });
  // Every process the cells started ends with the kernel.
  after(() => closeWithChildren(kernel));

  /** A cell interrupted once `count` tasks have started: it must end with KeyboardInterrupt. */
  async function interruptOnceStarted(code: string, count: number): Promise<{ reply: Message; places: string[] }> {
    const interrupted = await cells.interruptOnceStarted(code, count);
    assert.equal(interrupted.reply.content.ename, 'KeyboardInterrupt', String(interrupted.reply.content.evalue));
    return interrupted;
  }

  /** What the thread reported on `queue` (it must report within 20 s). */
  const report = (queue: string): Promise<string> => ok(`${queue}.getSync({ timeout: 20 })`);
  const threadsOf = (places: string[]): string[] => places.map((place) => place.split(':')[1]);

  it('a process pool made in a thread, blocked in mapSync', async () => {
    const { places } = await interruptOnceStarted(
      [
        'const said1 = new Queue<string>();',
        'const t1 = new Thread({ target: () => {',
        '  const pool = new Pool(2);',
        '  said1.putSync(`map: ${outcomeOf(() => pool.mapSync(slow, [1, 2, 3, 4], 1))}`);',
        // Replacement workers take new work: tasks 3 and 4 were cancelled, or they would hold both.
        '  said1.putSync(`next: ${outcomeOf(() => pool.mapSync((x: number) => x * 2, [1, 2], 1))}`);',
        '  pool.terminate();',
        '} });',
        't1.start();',
        'await t1.join();',
      ].join('\n'),
      2,
    );
    await waitForExit(pidsOf(places));
    assert.equal(await report('said1'), "'map: Interrupted'");
    assert.equal(await report('said1'), "'next: value 2,4'");
    await ok('await t1.join();');
  });

  it('a process pool made in a thread that awaits its map', async () => {
    const { places } = await interruptOnceStarted(
      [
        'const said2 = new Queue<string>();',
        'const t2 = new Thread({ target: async () => {',
        '  const pool = new Pool(2);',
        '  said2.putSync(`map: ${await outcomeOfAsync(() => pool.map(slow, [1, 2, 3], 1))}`);',
        '  pool.terminate();',
        '} });',
        't2.start();',
        'await t2.join();',
      ].join('\n'),
      2,
    );
    await waitForExit(pidsOf(places));
    assert.equal(await report('said2'), "'map: Interrupted'");
    await ok('await t2.join();');
  });

  it('a ThreadPoolExecutor and a ThreadPool made in a thread, blocked in resultSync and getSync', async () => {
    const { places } = await interruptOnceStarted(
      [
        'const said3 = new Queue<string>();',
        'const t3 = new Thread({ target: async () => {',
        '  const executor = new ThreadPoolExecutor({ maxWorkers: 1 });',
        '  const pool = new ThreadPool(1);',
        '  const future = executor.submit(slow, 1);',
        '  const mapped = pool.mapAsync(slow, [2, 3], 1);',
        '  said3.putSync(`future: ${outcomeOf(() => future.resultSync())}`);',
        '  said3.putSync(`map: ${outcomeOf(() => mapped.getSync())}`);',
        // One worker each: had the old threads lived, these would wait ten minutes (and time out here).
        // Awaited: piscina starts a terminated thread's replacement on the thread's event loop.
        "  said3.putSync(`next: ${await outcomeOfAsync(() => executor.submit(() => require('node:worker_threads').threadId).result(10))}`);",
        "  said3.putSync(`next: ${await outcomeOfAsync(() => pool.applyAsync(() => require('node:worker_threads').threadId).get(10))}`);",
        '  executor.shutdownSync();',
        '  pool.terminate();',
        '} });',
        't3.start();',
        'await t3.join();',
      ].join('\n'),
      2,
    );
    assert.equal(await report('said3'), "'future: Interrupted'");
    assert.equal(await report('said3'), "'map: Interrupted'");
    const old = threadsOf(places);
    for (let i = 0; i < 2; i++) {
      const said = await report('said3');
      const next = /value (\d+)/.exec(said)?.[1];
      assert.ok(next !== undefined && !old.includes(next), `an interrupted task's thread ran on: ${said} (the old ones: ${old})`);
    }
    await ok('await t3.join();');
  });

  it('a ProcessPoolExecutor and a Process started in a thread', async () => {
    const { places } = await interruptOnceStarted(
      [
        'const said4 = new Queue<string>();',
        'const t4 = new Thread({ target: () => {',
        '  const executor = new ProcessPoolExecutor({ maxWorkers: 1 });',
        '  const future = executor.submit(slow, 1);',
        '  const child = new Process({ target: slow, args: [2] });',
        '  child.start();',
        '  child.joinSync();',
        '  said4.putSync(`process: ${child.exitCode}`);',
        '  said4.putSync(`future: ${outcomeOf(() => future.resultSync())}`);',
        '  executor.shutdownSync();',
        '} });',
        't4.start();',
        'await t4.join();',
      ].join('\n'),
      2,
    );
    await waitForExit(pidsOf(places));
    // Terminated, as Process.terminate() does (SIGTERM).
    assert.equal(await report('said4'), "'process: -15'");
    assert.equal(await report('said4'), "'future: Interrupted'");
    await ok('await t4.join();');
  });

  it('a pool made two threads deep, the outer thread blocked in joinSync', async () => {
    const { places } = await interruptOnceStarted(
      [
        'const said5 = new Queue<string>();',
        // The inner target brings its own helpers: a thread's thread does not see the notebook's declarations.
        'const t5 = new Thread({ target: (said5: Queue<string>) => {',
        '  const inner = new Thread({ target: (said: Queue<string>) => {',
        '    const slowTask = (n: number): number => {',
        "      console.log(`started ${n} in ${process.pid}:${require('node:worker_threads').threadId}`);",
        '      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);',
        '      return n;',
        '    };',
        '    const outcome = (wait: () => unknown): string => {',
        '      try { return `value ${String(wait())}`; } catch (error) { return (error as Error).name; }',
        '    };',
        '    const pool = new Pool(1);',
        '    const threads = new ThreadPool(1);',
        '    const mapped = threads.mapAsync(slowTask, [1, 2], 1);',
        '    said.putSync(`process map: ${outcome(() => pool.mapSync(slowTask, [3, 4], 1))}`);',
        '    said.putSync(`thread map: ${outcome(() => mapped.getSync())}`);',
        '    pool.terminate();',
        '    threads.terminate();',
        '  }, args: [said5] });',
        '  inner.start();',
        '  inner.joinSync();',
        "  said5.putSync('inner joined');",
        '}, args: [said5] });',
        't5.start();',
        'await t5.join();',
      ].join('\n'),
      2,
    );
    // The process pool's worker is gone (the thread pool's task ran in the kernel's executor: main thread 0 is a child's).
    await waitForExit(pidsOf(places.filter((place) => place.endsWith(':0'))));
    assert.equal(await report('said5'), "'process map: Interrupted'");
    assert.equal(await report('said5'), "'thread map: Interrupted'");
    assert.equal(await report('said5'), "'inner joined'");
    await ok('await t5.join();');
  });

  it('a process pool made in a ThreadPool task', async () => {
    const { places } = await interruptOnceStarted(
      [
        'const outer = new ThreadPool(1);',
        'const inPoolThread = outer.applyAsync(() => {',
        '  const pool = new Pool(2);',
        '  try { return `map: ${outcomeOf(() => pool.mapSync(slow, [1, 2, 3], 1))}`; } finally { pool.terminate(); }',
        '});',
        'await inPoolThread.get();',
      ].join('\n'),
      2,
    );
    await waitForExit(pidsOf(places));
    // The task itself is the cell's too: it is interrupted, its thread replaced; its pool's children are
    // gone (its hub heard the interrupt, and it ends with that thread, killing its children).
    assert.equal(await ok("outcomeOf(() => inPoolThread.getSync())"), "'Interrupted'");
    assert.equal(await ok('await outer.apply(() => 7)'), '7');
    await ok('outer.terminate(); await outer.join();');
  });

  it('the kernel stays usable, and leaves nothing running', async () => {
    assert.equal(await ok('1 + 1'), '2');
  });
});
