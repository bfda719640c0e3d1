/**
 * A task that kills its worker -- process.exit, process.abort, running out of
 * memory, SIGKILL, an endless loop -- fails that one task with a clear error
 * while the other 999 tasks given with it complete. Python's `Pool.map` fails
 * the whole map at the first error, so the tasks go in per-task forms
 * (`imapUnordered`, `applyAsync`, executor futures) where each result can be
 * checked on its own. Then: `terminate()` during a large map leaves no worker.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BrokenWorkerError, liveChildPids, Pool, PoolStateError, ProcessPoolExecutor, Queue, ThreadPool, TimeoutError, multiprocessing, whenWorkersExited,
} from '../../../src/index.js';
import { assertNothingLeftAtEnd, childProcesses } from '../../lib/helpers.js';

assertNothingLeftAtEnd();

/**
 * After a terminated pool's join(): loom counts no worker of it, and once the hub has stopped
 * (a moment after its last user) no child process is left at all. The hub's spare child
 * (src/internal/hub/spare.ts) is no worker, and lives as long as the hub: the hub kills its
 * children when it stops, and its thread ends only once they have exited.
 */
async function assertNoWorkerLeft(): Promise<void> {
  assert.deepEqual(liveChildPids(), [], 'no worker left after terminate()');
  assert.equal(await whenWorkersExited(5000), 0, 'the hub thread stops once nothing uses it');
  assert.deepEqual(childProcesses(), [], 'no child process left once the hub has stopped');
}

const TASKS = 1000;
const CRASHER = 500;
const items = Array.from({ length: TASKS }, (_, i) => i);

/** Takes every result of an unordered iterator, keeping the errors it throws along the way. */
async function drain(results: AsyncIterator<number>): Promise<{ values: number[]; errors: unknown[] }> {
  const values: number[] = [];
  const errors: unknown[] = [];
  for (;;) {
    try {
      const next = await results.next();
      if (next.done) return { values, errors };
      values.push(next.value);
    } catch (error) {
      errors.push(error);
    }
  }
}

/** The 999 other tasks each gave their own item back, and the one crash failed with BrokenWorkerError saying `says`. */
function assertOnlyTheCrasherFailed(outcome: { values: number[]; errors: unknown[] }, says: RegExp): string {
  assert.equal(outcome.errors.length, 1, `errors: ${outcome.errors.map(String).join('; ')}`);
  const [error] = outcome.errors as Error[];
  assert.ok(error instanceof BrokenWorkerError, String(error));
  assert.match(error.message, says);
  assert.deepEqual(outcome.values.sort((a, b) => a - b), items.filter((i) => i !== CRASHER));
  return `${outcome.values.length} completed; ${error.name}: ${error.message}`;
}

interface Crash {
  name: string;
  /** The task: item 500 crashes its worker, every other item comes back. Self-contained: it is shipped by source. */
  task: (x: number) => number;
  says: RegExp;
}

const CRASHES: Crash[] = [
  { name: 'process.exit(7)', task: (x) => (x === 500 ? process.exit(7) : x), says: /exited with code 7/ },
  { name: 'process.abort()', task: (x) => (x === 500 ? process.abort() : x), says: /SIGABRT/ },
  { name: 'SIGKILL', task: (x) => { if (x === 500) process.kill(process.pid, 'SIGKILL'); return x; }, says: /killed by SIGKILL/ },
  {
    name: 'running out of memory',
    task: (x) => {
      const hog: number[][] = [];
      while (x === 500) hog.push(new Array(1e5).fill(1.5));
      return x;
    },
    says: /SIGABRT \(.*running out of memory/,
  },
];

for (const { name, task, says } of CRASHES) {
  test(`Pool: ${name} in one of ${TASKS} tasks fails that task with BrokenWorkerError; the other ${TASKS - 1} complete`, { timeout: 120_000 }, async (t) => {
    // A small heap, so running out of memory comes quickly on a shared machine.
    await using pool = new Pool({ processes: 2, execArgv: ['--max-old-space-size=48'] });
    t.diagnostic(assertOnlyTheCrasherFailed(await drain(pool.imapUnordered(task, items)), says));
    assert.equal(await pool.apply(() => 'still serving'), 'still serving');
  });
}

test(`ThreadPool: a thread running out of its heap limit, or calling process.exit, fails only its task; the other ${TASKS - 1} complete`, { timeout: 120_000 }, async (t) => {
  await using pool = new ThreadPool({ processes: 2, resourceLimits: { maxOldGenerationSizeMb: 32 } });
  const hog = (x: number) => {
    const hog: number[][] = [];
    while (x === 500) hog.push(new Array(1e5).fill(1.5));
    return x;
  };
  t.diagnostic(`out of memory: ${assertOnlyTheCrasherFailed(await drain(pool.imapUnordered(hog, items)), /memory/i)}`);
  const exit = (x: number) => (x === 500 ? process.exit(3) : x);
  t.diagnostic(`process.exit: ${assertOnlyTheCrasherFailed(await drain(pool.imapUnordered(exit, items)), /exit/)}`);
});

test(`ProcessPoolExecutor: a future whose worker exits fails with BrokenWorkerError; the other ${TASKS - 1} futures complete`, { timeout: 120_000 }, async (t) => {
  await using executor = new ProcessPoolExecutor({ maxWorkers: 2 });
  const futures = items.map((i) => executor.submit((x: number) => (x === 500 ? process.exit(5) : x), i));
  const settled = await Promise.allSettled(futures.map((f) => f.result()));
  const outcome = {
    values: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
    errors: settled.flatMap((s) => (s.status === 'rejected' ? [s.reason] : [])),
  };
  t.diagnostic(assertOnlyTheCrasherFailed(outcome, /exited with code 5/));
  assert.equal((settled[CRASHER] as PromiseRejectedResult).reason, outcome.errors[0], 'the failed future is the crashing one');
});

test(`Pool: an endless loop in one of ${TASKS} tasks times out with TimeoutError; the other ${TASKS - 1} complete; terminate() ends the spinning worker`, { timeout: 120_000 }, async (t) => {
  const pool = new Pool(2);
  const spinning = pool.applyAsync((x: number) => { while (x === 500); return x; }, [500]);
  const others = items.filter((i) => i !== CRASHER).map((i) => pool.applyAsync((x: number) => x, [i]));
  const values = await Promise.all(others.map((r) => r.get(60)));
  assert.deepEqual(values, items.filter((i) => i !== CRASHER));
  await assert.rejects(spinning.get(1), (e: Error) => e instanceof TimeoutError && /timeout|within/i.test(e.message));
  assert.equal(spinning.ready(), false);
  t.diagnostic(`${values.length} completed while one task spun; get(1) on it: TimeoutError`);
  pool.terminate();
  await pool.join();
  await assertNoWorkerLeft();
});

test(`terminate() during a map of ${TASKS} tasks fails the map with PoolStateError and leaves no worker process or thread`, { timeout: 120_000 }, async (t) => {
  // Each task says it started on a queue the initializer hands the worker: the first word means the
  // map is under way with most of it still to run (a task queued behind the map would only run after it).
  const busy = (ms: number) => {
    (globalThis as { started?: { putSync(v: number): void } }).started!.putSync(ms);
    const end = Date.now() + ms;
    while (Date.now() < end);
    return ms;
  };
  const keep = (queue: unknown) => { (globalThis as { started?: unknown }).started = queue; };
  const started = new multiprocessing.Queue<number>();
  const pool = new Pool({ processes: 4, initializer: keep, initargs: [started] });
  const map = pool.map(busy, items.map(() => 5), { chunksize: 1 });
  await started.get();
  assert.ok(childProcesses().length >= 1, 'the pool has workers while it maps');
  pool.terminate();
  await assert.rejects(map, PoolStateError);
  await pool.join();
  await assertNoWorkerLeft();

  const threadsStarted = new Queue<number>();
  const threads = new ThreadPool({ processes: 4, initializer: keep, initargs: [threadsStarted] });
  const threadMap = threads.map(busy, items.map(() => 5), { chunksize: 1 });
  await threadsStarted.get();
  threads.terminate();
  await assert.rejects(threadMap, PoolStateError);
  await threads.join();
  assert.equal(await whenWorkersExited(5000), 0, 'no worker thread left');
  t.diagnostic('Pool(4) and ThreadPool(4) terminated mid-map: no process, no thread');
});
