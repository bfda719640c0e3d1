/**
 * shutdown({cancelFutures: true}) right after a burst of submits, as CPython's
 * test_concurrent_futures.py test_cancel_futures checks it for both executors
 * (issue 19): some calls run (at least one), the others are cancelled, and the
 * ones that run finish. CPython's ThreadPoolExecutor starts a thread per submit,
 * which takes the next call at once; loom's thread pool gives each of its
 * workers its first call at submit (thread-engine.ts #commit), since the threads
 * take a while to boot. CPython's Executor.map submits every call at the map()
 * call, and loom's does too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, Future, ProcessPoolExecutor, ThreadPoolExecutor } from '../../src/index.js';
import { assertNothingLeftAtEnd, cells, openGate } from './helpers.js';

assertNothingLeftAtEnd();

/** A call that blocks its worker thread until `gate[0]` is set, then returns `value`. */
const held = (gate: Int32Array, value: number): number => {
  Atomics.wait(gate, 0, 0, 10_000);
  return value;
};

/** CPython's checks: some cancelled, the others done without an error, and at least one of those. */
async function assertSomeRanTheRestCancelled(futures: Future<number>[]): Promise<Future<number>[]> {
  const others = futures.filter((future) => !future.cancelled());
  assert.ok(others.length > 0, 'at least one call ran');
  for (const future of others) {
    assert.equal(future.done(), true);
    assert.equal(await future.exception(), undefined);
  }
  for (const future of futures.filter((f) => f.cancelled())) await assert.rejects(future.result(), CancelledError);
  return others;
}

test('test_cancel_futures, ThreadPoolExecutor: 50 submits of a short call then shutdown({wait, cancelFutures}): the first calls run, the rest are cancelled', async () => {
  const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
  const futures = Array.from({ length: 50 }, (_, i) => executor.submit((x: number) => x * 2, i));
  await executor.shutdown({ wait: true, cancelFutures: true });
  const others = await assertSomeRanTheRestCancelled(futures);
  // Each worker's first call was given to it at submit: those two ran, whenever the threads came up.
  assert.deepEqual(futures.slice(0, 2).map((f) => f.cancelled()), [false, false]);
  assert.deepEqual(await Promise.all(others), others.map((f) => futures.indexOf(f) * 2));
});

test('test_cancel_futures with calls that wait: exactly the calls given to the 2 workers run, 48 are cancelled; running() and cancel() of each', async () => {
  const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
  const gate = cells(1);
  const futures = Array.from({ length: 50 }, (_, i) => executor.submit(held, gate, i));
  // Running from the submit, worker threads up or not: CPython's first calls are running once their threads take them.
  assert.deepEqual(futures.slice(0, 3).map((f) => f.running()), [true, true, false]);
  assert.equal(futures[0].cancel(), false);
  assert.equal(futures[0].cancelled(), false);
  const stopping = executor.shutdown({ wait: true, cancelFutures: true });
  assert.equal(futures.filter((f) => f.cancelled()).length, 48, 'cancelled at once, by the shutdown call itself');
  assert.equal(futures[2].cancel(), true, 'cancel() of a cancelled call is true');
  openGate(gate);
  await stopping;
  const others = await assertSomeRanTheRestCancelled(futures);
  assert.deepEqual(await Promise.all(others), [0, 1]);
});

test('after the first calls, a call is queued again until a worker takes it: cancel() takes it back', async () => {
  await using executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  const gate = cells(1);
  const first = executor.submit(held, gate, 1);
  const second = executor.submit(held, gate, 2);
  assert.equal(first.running(), true);
  assert.equal(second.running(), false);
  assert.equal(second.cancel(), true);
  openGate(gate);
  assert.equal(await first, 1);
  // Every worker has had its first call: a later one waits in the queue until a worker is free.
  const gate2 = cells(1);
  const busy = executor.submit(held, gate2, 3);
  while (!busy.running());
  const later = executor.submit(held, gate2, 4);
  assert.equal(later.running(), false);
  assert.equal(later.cancel(), true);
  openGate(gate2);
  assert.equal(await busy, 3);
});

test('test_cancel_futures, ProcessPoolExecutor: the hub hands each worker its first call as it spawns; the rest are cancelled', async () => {
  const executor = new ProcessPoolExecutor({ maxWorkers: 2 });
  const futures = Array.from({ length: 50 }, (_, i) => executor.submit((x: number) => x * 2, i));
  await executor.shutdown({ wait: true, cancelFutures: true });
  const others = await assertSomeRanTheRestCancelled(futures);
  assert.deepEqual(futures.slice(0, 2).map((f) => f.cancelled()), [false, false]);
  assert.deepEqual(await Promise.all(others), others.map((f) => futures.indexOf(f) * 2));
});

test('Executor.map reads its iterables at the call, as CPython\'s (every call submitted): an error the iterable throws is thrown by map()', async () => {
  await using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
  function* failing(): Generator<number> {
    yield 1;
    throw new RangeError('no more');
  }
  assert.throws(() => executor.map((x: number) => x, failing()), (e: Error) => e instanceof RangeError && e.message === 'no more');
  // The executor goes on.
  assert.deepEqual([...executor.map((x: number) => x + 1, [1, 2, 3])], [2, 3, 4]);
});
