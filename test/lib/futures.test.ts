import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALL_COMPLETED, ArgumentValueError, asCompleted, BrokenWorkerError, CancelledError, currentThread, FIRST_COMPLETED, FIRST_EXCEPTION,
  Future, PoolStateError, ProcessPoolExecutor, ThreadPoolExecutor, TimeoutError, wait, waitSync,
} from '../../src/index.js';
import { assertNothingLeftAtEnd, cells, openGate } from './helpers.js';

assertNothingLeftAtEnd();

/** A call that blocks its worker thread until `gate[0]` is set. */
const held = (gate: Int32Array, value: number): number => {
  Atomics.wait(gate, 0, 0, 10_000);
  return value;
};

test('submit returns a Future: awaitable, result(), resultSync(), done() and exception()', async () => {
  await using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
  const future = executor.submit((a: number, b: number) => a + b, 2, 3);
  assert.ok(future instanceof Future);
  assert.equal(await future, 5);
  assert.equal(future.done(), true);
  assert.equal(await future.result(), 5);
  assert.equal(future.resultSync(), 5);
  assert.equal(await future.exception(), undefined);
  const failing = executor.submit(() => { throw new SyntaxError('broken'); });
  assert.ok((await failing.exception()) instanceof SyntaxError);
  assert.ok(failing.exceptionSync() instanceof SyntaxError);
  await assert.rejects(failing.result(), SyntaxError);
  await assert.rejects(async () => { await failing; }, SyntaxError);
  assert.equal(failing.done(), true);
});

test('done() is true inside a busy loop that never yields, with more calls than threads (the chapter\'s 13.6 loop)', () => {
  using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
  // Each call may submit more: here, a tree of 1 + 3 + 9 calls, driven from a loop that never awaits.
  const futures = [executor.submit((depth: number) => depth, 0)];
  const finished: number[] = [];
  while (futures.length > 0) {
    const future = futures.shift()!;
    if (future.exceptionSync()) continue;
    else if (future.done()) {
      const depth = future.resultSync();
      finished.push(depth);
      if (depth < 2) for (let i = 0; i < 3; i++) futures.push(executor.submit((d: number) => d, depth + 1));
    } else futures.push(future);
  }
  assert.equal(finished.length, 13);
});

test('running(), cancel() and cancelled() follow the call', async () => {
  await using executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  const gate = cells(1);
  const first = executor.submit(held, gate, 1);
  const second = executor.submit(held, gate, 2);
  while (!first.running());
  assert.equal(second.running(), false);
  assert.equal(first.cancel(), false);
  assert.equal(second.cancel(), true);
  assert.equal(second.cancel(), true);
  assert.equal(second.cancelled(), true);
  assert.equal(second.done(), true);
  await assert.rejects(second.result(), CancelledError);
  assert.throws(() => second.exceptionSync(), CancelledError);
  openGate(gate);
  assert.equal(await first, 1);
  assert.equal(first.cancel(), false);
  assert.equal(first.cancelled(), false);
});

test('result() and exception() time out with TimeoutError', async () => {
  await using executor = new ThreadPoolExecutor(1);
  const gate = cells(1);
  const future = executor.submit(held, gate, 1);
  await assert.rejects(future.result(0.01), TimeoutError);
  assert.throws(() => future.resultSync(0.01), TimeoutError);
  await assert.rejects(future.exception(0.01), TimeoutError);
  openGate(gate);
  assert.equal(future.resultSync(5), 1);
});

test('addDoneCallback is called once done, and at once when already done', async () => {
  await using executor = new ThreadPoolExecutor(1);
  const future = executor.submit(() => 'x');
  // Wrapped: a Future is thenable, so resolving a promise with it would adopt its value.
  const [seen] = await new Promise<Future<string>[]>((resolve) => future.addDoneCallback((f) => resolve([f])));
  assert.equal(seen, future);
  let called = 0;
  future.addDoneCallback(() => called++);
  assert.equal(called, 1);
});

test('map gives results in order for several iterables (shortest wins), with chunksize and timeout', async () => {
  await using executor = new ThreadPoolExecutor(2);
  const out: number[] = [];
  for await (const value of executor.map((a: number, b: number) => a * b, [1, 2, 3, 4], [10, 20, 30])) out.push(value);
  assert.deepEqual(out, [10, 40, 90]);
  assert.deepEqual([...executor.map((x: number) => x + 1, [1, 2, 3], { chunksize: 2 })], [2, 3, 4]);
  const gate = cells(1);
  const slow = executor.map(held, [gate], [1], { timeout: 0.02 });
  await assert.rejects(slow.next(), TimeoutError);
  openGate(gate);
  const failing = executor.map((x: number) => { if (x === 2) throw new Error('two'); return x; }, [1, 2, 3]);
  assert.deepEqual(await failing.next(), { done: false, value: 1 });
  await assert.rejects(failing.next(), /two/);
});

test('wait() returns as returnWhen says; waitSync blocks', async () => {
  await using executor = new ThreadPoolExecutor(2);
  const gate = cells(1);
  const quick: Future<unknown> = executor.submit(() => 'quick');
  const slow: Future<unknown> = executor.submit(held, gate, 2);
  const first = await wait([quick, slow], { returnWhen: FIRST_COMPLETED });
  assert.deepEqual([...first.done], [quick]);
  assert.deepEqual([...first.notDone], [slow]);
  const timed = waitSync([quick, slow], { timeout: 0.02 });
  assert.equal(timed.notDone.size, 1);
  const failing: Future<unknown> = executor.submit(() => { throw new Error('x'); });
  const exception = await wait([slow, failing], { returnWhen: FIRST_EXCEPTION });
  assert.ok(exception.done.has(failing));
  openGate(gate);
  const all = await wait([quick, slow, failing], { returnWhen: ALL_COMPLETED });
  assert.equal(all.done.size, 3);
  assert.equal(waitSync([slow]).done.size, 1);
  await assert.rejects(wait([quick], { returnWhen: 'SOMETIME' as never }), ArgumentValueError);
  await assert.rejects(wait([42 as never]), /'fs\[0\]' must be a Future/);
});

test('asCompleted yields futures as they finish, done ones first; it times out', async () => {
  await using executor = new ThreadPoolExecutor(2);
  const gate = cells(1);
  const slow = executor.submit(held, gate, 1);
  const quick = executor.submit(() => 2);
  await quick;
  const order: Future<number>[] = [];
  const completed = asCompleted([slow, quick]);
  const firstStep = await completed.next();
  order.push(firstStep.value as Future<number>);
  openGate(gate);
  // The cast: TypeScript types a `for await` value as awaited (a Future is thenable, so: number), though at run time
  // an async iterator's values are not awaited; whether it does here depended on which files were checked first.
  for await (const future of completed) order.push(future as unknown as Future<number>);
  assert.deepEqual(order, [quick, slow]);
  const gate2 = cells(1);
  const stuck = executor.submit(held, gate2, 3);
  assert.throws(() => [...asCompleted([stuck], 0.02)], TimeoutError);
  openGate(gate2);
  assert.deepEqual([...asCompleted([stuck])], [stuck]);
});

test('shutdown waits; cancelFutures cancels what has not started; no submit after it', async () => {
  const executor = new ThreadPoolExecutor({ maxWorkers: 1, threadNamePrefix: 'finder' });
  assert.match(await executor.submit(() => currentThread().name), /^finder_\d+$/);
  const gate = cells(1);
  const running = executor.submit(held, gate, 1);
  while (!running.running());
  const queued = executor.submit(held, gate, 2);
  const stopping = executor.shutdown({ cancelFutures: true });
  assert.equal(queued.cancelled(), true);
  assert.throws(() => executor.submit(() => 1), (e: Error) => e instanceof PoolStateError && /after shutdown/.test(e.message));
  openGate(gate);
  await stopping;
  assert.equal(running.resultSync(), 1);
});

test('using shuts down (waiting) at the end of the block; initializer runs in each worker', () => {
  const seen = cells(1);
  let future: Future<number>;
  {
    using executor = new ThreadPoolExecutor({ maxWorkers: 2, initializer: (seen: Int32Array) => { Atomics.add(seen, 0, 1); }, initargs: [seen] });
    future = executor.submit(() => 7);
  }
  assert.equal(future.done(), true);
  assert.equal(future.resultSync(), 7);
});

test('ProcessPoolExecutor: the same API on processes; a dying worker breaks only its call', async () => {
  await using executor = new ProcessPoolExecutor({ maxWorkers: 2 });
  const pid = await executor.submit(() => process.pid);
  assert.notEqual(pid, process.pid);
  assert.deepEqual([...executor.map((a: number, b: number) => a + b, [1, 2], [3, 4], { chunksize: 2 })], [4, 6]);
  const dying = executor.submit(() => process.exit(2));
  const others = [1, 2, 3].map((x) => executor.submit((x: number) => x * 2, x));
  await assert.rejects(dying.result(), (e: Error) => e instanceof BrokenWorkerError && /exited with code 2/.test(e.message));
  assert.deepEqual(await Promise.all(others), [2, 4, 6]);
  // More calls than workers, watched from a loop that never yields: the hub keeps feeding the workers.
  const calls = [1, 2, 3, 4, 5, 6].map((k) => executor.submit((n: number) => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }, k * 1e5));
  while (!calls.every((call) => call.done()));
  assert.equal(calls[0].resultSync(), 4999950000);
  const many = [1, 2, 3, 4].map((x) => executor.submit((x: number) => x, x));
  const { done } = waitSync(many);
  assert.equal(done.size, 4);
  assert.deepEqual(new Set([...asCompleted(many)]), new Set(many));
});

test('ProcessPoolExecutor: cancel a queued call; maxTasksPerChild; bad arguments', async () => {
  assert.throws(() => new ProcessPoolExecutor({ maxWorkers: 0 }), /'maxWorkers' must be at least 1; got 0/);
  assert.throws(() => new ThreadPoolExecutor({ maxWorkers: -1 }), /'maxWorkers' must be at least 1; got -1/);
  assert.throws(() => new ProcessPoolExecutor({ maxTasksPerChild: 0 }), /'maxTasksPerChild' must be at least 1/);
  await using executor = new ProcessPoolExecutor({ maxWorkers: 1, maxTasksPerChild: 1 });
  assert.throws(() => executor.submit(12 as never), /'fn' must be a function/);
  const pids = await Promise.all([1, 2, 3].map(() => executor.submit(() => process.pid)));
  assert.equal(new Set(pids).size, 3);
  const busy = executor.submit(() => { const end = Date.now() + 300; while (Date.now() < end); return 'busy'; });
  const queued = [1, 2, 3].map(() => executor.submit(() => 'queued'));
  assert.equal(queued[2].cancel(), true);
  assert.equal(await busy, 'busy');
  await assert.rejects(queued[2].result(), CancelledError);
  assert.deepEqual(await Promise.all(queued.slice(0, 2)), ['queued', 'queued']);
});
