/**
 * Negative timeouts as CPython 3.11 takes them (issue 19): zero ("just look") in join, wait,
 * wait_for, result, get of AsyncResult and multiprocessing.Queue, Semaphore.acquire and Barrier;
 * refused (ValueError) by queue.Queue's put/get; -1 is "wait forever" for Lock/RLock acquire,
 * other negatives refused. Each case was run in CPython 3.11 first.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ArgumentValueError, asCompleted, Barrier, BrokenBarrierError, Condition, Empty, Event, Full, Lock, multiprocessing, Process, Queue, RLock,
  Semaphore, Thread, ThreadPool, ThreadPoolExecutor, TimeoutError, wait,
} from '../../src/index.js';
import { assertNothingLeftAtEnd, cells, openGate } from './helpers.js';

assertNothingLeftAtEnd();

/** Blocks its worker until `gate[0]` is set (bounded, so a failing test cannot hang). */
const held = (gate: Int32Array): string => {
  Atomics.wait(gate, 0, 0, 30_000);
  return 'done';
};

test('_test_multiprocessing.py _kill_process: join(-1) returns at once, the thread or process still alive', async () => {
  const gate = cells();
  const t = new Thread({ target: held, args: [gate] });
  t.start();
  t.joinSync(-1);
  await t.join(-0.5);
  assert.equal(t.isAlive(), true);
  openGate(gate);
  await t.join();
  const q = new multiprocessing.Queue<string>();
  const p = new Process({ target: (q: multiprocessing.Queue<string>) => { q.getSync({ timeout: 30 }); }, args: [q] });
  p.start();
  p.joinSync(-1);
  await p.join(-1);
  assert.equal(p.isAlive(), true);
  q.putSync('go');
  await p.join();
  assert.equal(p.exitCode, 0);
});

test('lock_tests.py (EventTests, ConditionTests, SemaphoreTests, BarrierTests): a negative timeout is zero', async () => {
  const event = new Event();
  assert.equal(event.waitSync(-1), false);
  assert.equal(await event.wait(-1), false);
  const cond = new Condition();
  cond.acquireSync();
  assert.equal(cond.waitSync(-1), false);
  assert.equal(await cond.wait(-1), false);
  assert.equal(cond.waitForSync(() => false, -1), false);
  assert.equal(await cond.waitFor(() => 0, -1), 0);
  cond.release();
  const sem = new Semaphore(0);
  assert.equal(sem.acquireSync({ timeout: -5 }), false);
  assert.equal(await sem.acquire({ timeout: -1 }), false);
  assert.throws(() => sem.acquireSync({ blocking: false, timeout: -1 }), /'timeout' cannot be given with blocking: false/);
  // Python: Barrier(2).wait(-1) and Barrier(2, timeout=-1).wait() break the barrier at once.
  assert.throws(() => new Barrier(2).waitSync(-1), BrokenBarrierError);
  await assert.rejects(new Barrier(2, { timeout: -1 }).wait(), BrokenBarrierError);
});

test('lock_tests.py test_timeout: Lock and RLock refuse timeout -100; -1 waits forever (Python\'s default), also with blocking false', async () => {
  for (const lock of [new Lock(), new RLock()]) {
    assert.throws(() => lock.acquireSync({ timeout: -100 }), (e: Error) => e instanceof ArgumentValueError && /'timeout' must be a non-negative number of seconds, or -1 to wait forever; got -100/.test(e.message));
    assert.throws(() => lock.acquireSync({ blocking: false, timeout: 1 }), /'timeout' cannot be given with blocking: false/);
  }
  const lock = new Lock();
  lock.acquireSync();
  assert.equal(lock.acquireSync({ blocking: false, timeout: -1 }), false);
  const release = new Event();
  const t = new Thread({ target: (lock: Lock, release: Event) => { release.waitSync(30); lock.release(); }, args: [lock, release] });
  t.start();
  const acquired = lock.acquire({ timeout: -1 });
  release.set();
  assert.equal(await acquired, true, 'acquire({timeout: -1}) waited for the release');
  lock.release();
  await t.join();
});

test('test_queue.py test_negative_timeout_raises_exception: queue.Queue refuses a negative timeout; not when block is false', async () => {
  const q = new Queue(1);
  assert.throws(() => q.putSync(1, { timeout: -1 }), (e: Error) => e instanceof ArgumentValueError && /'timeout' must be a non-negative number of seconds; got -1/.test(e.message));
  assert.throws(() => q.get({ timeout: -1 }), ArgumentValueError); // bad arguments throw at once, as loom's async calls do
  assert.throws(() => q.getSync({ block: false, timeout: -1 }), Empty);
});

test('multiprocessing.Queue (Lib/multiprocessing/queues.py get/put): a negative timeout is zero, Empty or Full at once; here and in a child', async () => {
  const q = new multiprocessing.Queue<number>(1);
  assert.throws(() => q.getSync({ timeout: -1 }), Empty);
  await assert.rejects(q.get({ timeout: -1 }), Empty);
  q.putSync(1);
  assert.throws(() => q.putSync(2, { timeout: -1 }), Full);
  await assert.rejects(q.put(2, { timeout: -1 }), Full);
  const empty = new multiprocessing.Queue<number>();
  const reply = new multiprocessing.Queue<string[]>();
  const p = new Process({
    target: (full: multiprocessing.Queue<number>, empty: multiprocessing.Queue<number>, reply: multiprocessing.Queue<string[]>) => {
      const names: string[] = [];
      try { empty.getSync({ timeout: -1 }); } catch (error) { names.push((error as Error).name); }
      try { full.putSync(3, { timeout: -1 }); } catch (error) { names.push((error as Error).name); }
      reply.putSync(names);
    },
    args: [q, empty, reply],
  });
  p.start();
  assert.deepEqual(await reply.get({ timeout: 60 }), ['Empty', 'Full']);
  await p.join();
});

test('_test_multiprocessing.py _TestPool (AsyncResult.wait/get): a negative timeout is zero: wait returns, get throws TimeoutError', async () => {
  const gate = cells();
  await using pool = new ThreadPool(1);
  const res = pool.applyAsync(held, [gate]);
  res.waitSync(-1);
  await res.wait(-1);
  assert.equal(res.ready(), false);
  assert.throws(() => res.getSync(-1), TimeoutError);
  await assert.rejects(res.get(-1), TimeoutError);
  openGate(gate);
  assert.equal(await res.get(), 'done');
});

test('test_concurrent_futures (result, exception, wait, as_completed, map timeouts): a negative timeout is zero', async () => {
  const gate = cells();
  await using executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  const future = executor.submit(held, gate);
  assert.throws(() => future.resultSync(-1), TimeoutError);
  await assert.rejects(future.result(-1), TimeoutError);
  assert.throws(() => future.exceptionSync(-1), TimeoutError);
  const { done, notDone } = await wait([future], { timeout: -1 });
  assert.equal(done.size + notDone.size === 1 && notDone.has(future), true);
  assert.throws(() => [...asCompleted([future], -1)], TimeoutError);
  const results = executor.map(held, [gate], { timeout: -1 });
  await assert.rejects(results.next(), TimeoutError);
  openGate(gate);
  assert.equal(await future.result(), 'done');
});
