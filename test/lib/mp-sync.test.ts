/**
 * multiprocessing's synchronisation primitives across processes (issue 19,
 * "Processes that share state"): the same Lock, RLock, Semaphore, Condition,
 * Event and Barrier as threading's, passed to child processes, which reach
 * them through their parent's hub. Each test names the CPython test of
 * Lib/test/_test_multiprocessing.py it mirrors; the children report what
 * they saw on a multiprocessing Queue, and the tests synchronise with Queues
 * and Events, never with sleeps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LockNotHeldError, multiprocessing, NotShippableError, Process } from '../../src/index.js';
import { assertNothingLeftAtEnd } from './helpers.js';

const { Lock, Queue } = multiprocessing;

assertNothingLeftAtEnd();

test('_TestLock.test_lock in a child: acquire, non-blocking acquire of a held lock, release, release of an unlocked lock raises', async () => {
  const lock = new Lock();
  const results = new Queue<unknown>();
  const p = new Process({
    target: (lock: multiprocessing.Lock, results: multiprocessing.Queue<unknown>) => {
      const seen: unknown[] = [lock.acquireSync(), lock.acquireSync({ blocking: false }), lock.locked()];
      lock.release();
      seen.push(lock.locked());
      try {
        lock.release();
      } catch (error) {
        seen.push((error as Error).name, (error as Error).message);
      }
      results.putSync(seen);
    },
    args: [lock, results],
  });
  p.start();
  assert.deepEqual(await results.get(), [true, false, true, false, 'LockNotHeldError', 'release unlocked lock']);
  await p.join();
  assert.equal(lock.locked(), false);
});

test('a Lock held by a child blocks the parent (acquire times out) until the child releases it, and back', async () => {
  const lock = new Lock();
  const fromChild = new Queue<string>();
  const toChild = new Queue<string>();
  const p = new Process({
    target: async (lock: multiprocessing.Lock, fromChild: multiprocessing.Queue<string>, toChild: multiprocessing.Queue<string>) => {
      await lock.acquire();
      fromChild.putSync('held');
      toChild.getSync();
      lock.release();
      fromChild.putSync('released');
      // Now the parent holds it: this child waits, and gets it when the parent lets go.
      toChild.getSync();
      fromChild.putSync(String(lock.acquireSync({ timeout: 0.05 })));
      fromChild.putSync(String(lock.acquireSync({ timeout: 30 })));
      lock.release();
    },
    args: [lock, fromChild, toChild],
  });
  p.start();
  assert.equal(await fromChild.get(), 'held');
  assert.equal(lock.locked(), true);
  assert.equal(lock.acquireSync({ timeout: 0.05 }), false);
  assert.equal(await lock.acquire({ blocking: false }), false);
  await toChild.put('go');
  assert.equal(await fromChild.get(), 'released');
  assert.equal(lock.acquireSync({ timeout: 30 }), true);
  await toChild.put('go');
  assert.equal(await fromChild.get(), 'false');
  lock.release();
  assert.equal(await fromChild.get(), 'true');
  await p.join();
  assert.equal(lock.acquireSync({ timeout: 30 }), true);
  lock.release();
});

test('a lock from another process goes no further: a grandchild is refused it with NotShippableError', async () => {
  const lock = new Lock();
  const results = new Queue<string>();
  const p = new Process({
    target: (lock: multiprocessing.Lock, results: multiprocessing.Queue<string>) => {
      try {
        new Process({ target: (l: unknown) => l, args: [lock] }).start();
        results.putSync('started');
      } catch (error) {
        results.putSync(`${(error as Error).name}: ${(error as Error).message}`);
      }
    },
    args: [lock, results],
  });
  p.start();
  assert.match(await results.get(), /^NotShippableError: this Lock came from another process; it reaches the processes that process starts/);
  await p.join();
  void NotShippableError;
  void LockNotHeldError;
});

test('a Lock in Pool tasks and initargs, and in ProcessPoolExecutor calls: every task of every worker sees the one lock', async () => {
  const { Pool } = await import('../../src/index.js');
  const { ProcessPoolExecutor } = await import('../../src/futures/index.js');
  const lock = new Lock();
  lock.acquireSync();
  // Initargs: each worker keeps the lock in a global; its task tries it while the parent holds it.
  {
    await using pool = new Pool({ processes: 2, initializer: (l: multiprocessing.Lock) => { (globalThis as Record<string, unknown>).heldLock = l; }, initargs: [lock] });
    const tried = await pool.map(() => ((globalThis as Record<string, unknown>).heldLock as multiprocessing.Lock).acquireSync({ blocking: false }), [1, 2, 3, 4]);
    assert.deepEqual(tried, [false, false, false, false]);
  }
  lock.release();
  // Task arguments: a task acquires it and gives it back; the parent sees it free afterwards.
  {
    await using executor = new ProcessPoolExecutor({ maxWorkers: 2 });
    const results = await Promise.all([1, 2, 3].map((i) => executor.submit((l: multiprocessing.Lock, i: number) => {
      const got = l.acquireSync({ timeout: 30 });
      l.release();
      return [got, i];
    }, lock, i).result()));
    assert.deepEqual(results, [[true, 1], [true, 2], [true, 3]]);
  }
  assert.equal(lock.locked(), false);
});

test('a child that dies holding a Lock leaves it locked, as Python does; one that dies waiting for it takes nothing', async () => {
  const lock = new Lock();
  const fromChild = new Queue<string>();
  const holder = new Process({
    target: (lock: multiprocessing.Lock, fromChild: multiprocessing.Queue<string>) => {
      lock.acquireSync();
      fromChild.putSync('held');
      process.exit(3);
    },
    args: [lock, fromChild],
  });
  holder.start();
  assert.equal(await fromChild.get(), 'held');
  await holder.join();
  assert.equal(holder.exitCode, 3);
  assert.equal(lock.acquireSync({ timeout: 0.05 }), false);
  // The parent holds it now, in effect: a Lock may be released by anyone.
  const waiter = new Process({
    target: (lock: multiprocessing.Lock, fromChild: multiprocessing.Queue<string>) => {
      fromChild.putSync('waiting');
      lock.acquireSync();
      fromChild.putSync('acquired (wrong)');
    },
    args: [lock, fromChild],
  });
  waiter.start();
  assert.equal(await fromChild.get(), 'waiting');
  waiter.kill();
  await waiter.join();
  lock.release();
  assert.equal(lock.acquireSync({ timeout: 30 }), true);
  assert.equal(fromChild.empty(), true);
  lock.release();
});
