/**
 * Interrupting a cell stops the work that cell started, through a real
 * kernel: its pool and executor tasks (queued ones cancelled, running ones
 * stopped by replacing their worker) and its Processes (terminated); the
 * pools stay usable, and work that other cells started goes on.
 *
 * Every task prints a line when it starts, and the test interrupts once the
 * lines it waits for have arrived; tasks are made long with Atomics.wait, so
 * a task that was not stopped would hold its worker for ten minutes and the
 * next map on the same pool could not finish.
 *
 * The loom imports run in a cell of their own: a cell's code after an import
 * runs after an await, where an interrupt cannot stop a busy loop at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { interruptCells, pidsOf } from '../helpers/interrupt-cells.js';
import { closeWithChildren } from '../helpers/notebook-kernel.js';
import { KernelClient } from '../../kernel/client/client.js';
import { isAlive, waitForExit } from '../helpers/processes.js';

describe('interrupting a cell stops the work it started', () => {
  let kernel: KernelClient;
  const cells = interruptCells(() => kernel);
  const { ok } = cells;
  before(async () => {
    kernel = await KernelClient.start();
    await ok(
      [
        "import { Process, Pool, ThreadPool, Queue } from 'loom/multiprocessing';",
        "import { ThreadPoolExecutor, ProcessPoolExecutor } from 'loom/futures';",
        "import { threadId } from 'node:worker_threads';",
      ].join('\n'),
    );
    // A task that says where it runs, then blocks its worker for ten minutes.
    await ok(
      [
        'function slow(n: number): number {',
        '  console.log(`started ${n} in ${process.pid}:${threadId}`);',
        '  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);',
        '  return n;',
        '}',
        'function errorName(get: () => unknown): string {',
        "  try { get(); return 'no error'; } catch (error) { return (error as Error).name; }",
        '}',
      ].join('\n'),
    );
  });
  // Every process the cells started ends with the kernel.
  after(() => closeWithChildren(kernel));

  const { interruptOnceStarted } = cells;


  it('interrupt_stops_pool_tasks', async () => {
    await ok('const pool = new Pool(2);');
    const { reply, places } = await interruptOnceStarted('const mapped = pool.mapAsync(slow, [1, 2, 3, 4], 1);\nawait mapped.get();', 2);
    assert.equal(reply.content.ename, 'KeyboardInterrupt', String(reply.content.evalue));
    // The workers running the tasks are gone; the map failed as interrupted.
    const workers = pidsOf(places);
    assert.equal(new Set(workers).size, 2);
    await waitForExit(workers);
    assert.equal(await ok('[mapped.ready(), mapped.successful(), errorName(() => mapped.getSync())]'), "[ true, false, 'Interrupted' ]");
    // Replacement workers run the next map: tasks 3 and 4 were cancelled, or they would hold both.
    assert.equal(await ok('await pool.map((x: number) => x * 2, [1, 2, 3])'), '[ 2, 4, 6 ]');
    await ok('pool.terminate(); await pool.join();');
  });

  it('interrupt_stops_pool_tasks_while_the_cell_busy_loops', async () => {
    await ok('const spinPool = new Pool(2);');
    const { reply, places } = await interruptOnceStarted('const spun = spinPool.mapAsync(slow, [1, 2, 3], 1);\nwhile (!spun.ready()) {}', 2);
    assert.equal(reply.content.ename, 'KeyboardInterrupt', String(reply.content.evalue));
    await waitForExit(pidsOf(places));
    assert.equal(await ok("errorName(() => spun.getSync())"), "'Interrupted'");
    assert.equal(await ok('spinPool.mapSync((x: number) => x + 1, [1, 2])'), '[ 2, 3 ]');
    await ok('spinPool.close(); await spinPool.join();');
  });

  it('interrupt_stops_thread_pool_tasks', async () => {
    await ok('const threads = new ThreadPool(2);');
    const { reply, places } = await interruptOnceStarted('const threadMapped = threads.mapAsync(slow, [1, 2, 3, 4], 1);\nawait threadMapped.get();', 2);
    assert.equal(reply.content.ename, 'KeyboardInterrupt', String(reply.content.evalue));
    assert.equal(await ok("errorName(() => threadMapped.getSync())"), "'Interrupted'");
    // The next map runs on new threads (the old ones, had they lived, would block both workers).
    const next = await ok('await threads.map(() => threadId, [1, 2, 3, 4], 1)');
    const oldThreads = places.map((place) => place.split(':')[1]);
    for (const id of next.match(/\d+/g) ?? []) assert.ok(!oldThreads.includes(id), `thread ${id} ran an interrupted task: ${next}`);
    await ok('threads.terminate(); await threads.join();');
  });

  it('interrupt_stops_executor_futures', async () => {
    await ok('const threadEx = new ThreadPoolExecutor({ maxWorkers: 1 });\nconst processEx = new ProcessPoolExecutor({ maxWorkers: 1 });');
    const { reply, places } = await interruptOnceStarted(
      [
        'const futures = [threadEx.submit(slow, 1), processEx.submit(slow, 2), threadEx.submit(slow, 3), processEx.submit(slow, 4)];',
        'await Promise.all(futures);',
      ].join('\n'),
      2,
    );
    assert.equal(reply.content.ename, 'KeyboardInterrupt', String(reply.content.evalue));
    // The process executor's worker is gone (the thread executor's pid is the kernel's executor).
    const executorPid = Number(await ok('process.pid'));
    await waitForExit(pidsOf(places).filter((pid) => pid !== executorPid));
    // Running and queued calls alike failed as interrupted; both executors take new calls.
    assert.equal(await ok('futures.map((f) => [f.done(), (f.exceptionSync() as Error | undefined)?.name])'), [
      '[',
      "  [ true, 'Interrupted' ],",
      "  [ true, 'Interrupted' ],",
      "  [ true, 'Interrupted' ],",
      "  [ true, 'Interrupted' ]",
      ']',
    ].join('\n'));
    assert.equal(await ok('[await threadEx.submit((x: number) => x * 3, 2), await processEx.submit((x: number) => x * 5, 2)]'), '[ 6, 10 ]');
    await ok('await threadEx.shutdown(); await processEx.shutdown();');
  });

  it('interrupt_terminates_processes_the_cell_started', async () => {
    const { reply, places } = await interruptOnceStarted('const started = new Process({ target: slow, args: [7] });\nstarted.start();\nawait started.join();', 1);
    assert.equal(reply.content.ename, 'KeyboardInterrupt', String(reply.content.evalue));
    await waitForExit(pidsOf(places));
    // join() returns, and the exit code says SIGTERM, as Python's terminate().
    assert.equal(await ok('await started.join(); [started.isAlive(), started.exitCode]'), '[ false, -15 ]');
  });

  it('interrupt_leaves_other_cells_work_running', async () => {
    await ok('const shared = new Pool(2);\nconst gate = new Queue<string>();');
    // An earlier cell submits a task that waits for the gate, and ends.
    const earlierCell = await kernel.execute(
      [
        'const earlier = shared.applyAsync((gate: Queue<string>) => {',
        '  console.log(`earlier started in ${process.pid}`);',
        "  return `earlier got ${gate.getSync()}`;",
        '}, [gate]);',
      ].join('\n'),
    );
    assert.equal(earlierCell.reply.content.status, 'ok', String(earlierCell.reply.content.evalue));
    const earlierPid = await new Promise<number>((resolve) => {
      let text = '';
      const stop = kernel.listen(earlierCell.reply.parent_header.msg_id!, (m) => {
        if (m.header.msg_type !== 'stream') return;
        text += String(m.content.text);
        const found = /earlier started in (\d+)/.exec(text);
        if (found) {
          stop();
          resolve(Number(found[1]));
        }
      });
    });
    // A later cell's task on the same pool is interrupted...
    const { reply, places } = await interruptOnceStarted('const later = shared.applyAsync(slow, [9]);\nawait later.get();', 1);
    assert.equal(reply.content.ename, 'KeyboardInterrupt', String(reply.content.evalue));
    await waitForExit(pidsOf(places));
    assert.equal(await ok("errorName(() => later.getSync())"), "'Interrupted'");
    // ...while the earlier cell's task runs on, in its own worker, and completes.
    assert.ok(isAlive(earlierPid), 'the earlier task\'s worker was stopped');
    assert.equal(await ok("gate.put('go');\nawait earlier.get()"), "'earlier got go'");
    await ok('shared.terminate(); await shared.join();');
  });
});
