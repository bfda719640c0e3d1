import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Event, Lock, LockNotHeldError, Thread } from '../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd, cells } from './helpers.js';

assertNoWorkersLeftAtEnd();

test('a shared counter incremented by 4 threads under a Lock ends exact', async () => {
  const lock = new Lock();
  const counter = cells(1);
  const rounds = 20_000;
  const threads = Array.from({ length: 4 }, () => new Thread({
    target: (lock: Lock, counter: Int32Array, rounds: number) => {
      for (let i = 0; i < rounds; i++) {
        lock.acquireSync();
        // A non-atomic read-modify-write: exact only because of the lock.
        const v = counter[0];
        counter[0] = v + 1;
        lock.release();
      }
    },
    args: [lock, counter, rounds],
  }));
  threads.forEach((t) => t.start());
  await Promise.all(threads.map((t) => t.join()));
  assert.equal(counter[0], 4 * rounds);
});

test('using holdSync() releases at the end of the block, also on throw', () => {
  const lock = new Lock();
  {
    using _held = lock.holdSync();
    assert.equal(lock.locked(), true);
  }
  assert.equal(lock.locked(), false);
  assert.throws(() => {
    using _held = lock.holdSync();
    throw new Error('inside');
  }, /inside/);
  assert.equal(lock.locked(), false);
});

test('acquire times out while another thread holds the lock, then succeeds after release', async () => {
  const lock = new Lock();
  const held = new Event();
  const release = new Event();
  const t = new Thread({
    target: (lock: Lock, held: Event, release: Event) => {
      lock.acquireSync();
      held.set();
      release.waitSync(10);
      lock.release();
    },
    args: [lock, held, release],
  });
  t.start();
  held.waitSync(10);
  assert.equal(lock.acquireSync({ blocking: false }), false);
  assert.equal(lock.acquireSync({ timeout: 0.02 }), false);
  assert.equal(await lock.acquire({ timeout: 0.02 }), false);
  const acquired = lock.acquire({ timeout: 10 });
  release.set();
  assert.equal(await acquired, true);
  lock.release();
  await t.join();
});

test('release of an unlocked lock and bad options throw', () => {
  const lock = new Lock();
  assert.throws(() => lock.release(), (e: LockNotHeldError) => e.code === 'ERR_LOOM_LOCK_NOT_HELD');
  assert.throws(() => lock.acquireSync({ blocking: false, timeout: 1 }), /'timeout' cannot be given with blocking: false/);
  // Python's Lock takes -1 as "wait forever" (its default) and refuses other negatives (lock_tests.py test_timeout).
  assert.throws(() => lock.acquireSync({ timeout: -2 }), /'timeout' must be a non-negative number of seconds, or -1 to wait forever; got -2/);
});
