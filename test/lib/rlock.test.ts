import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Event, LockNotHeldError, RLock, Thread } from '../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd, cells } from './helpers.js';

assertNoWorkersLeftAtEnd();

test('the owner may acquire again; the lock is free after as many releases', () => {
  const lock = new RLock();
  assert.equal(lock.acquireSync(), true);
  assert.equal(lock.acquireSync(), true);
  lock.release();
  assert.equal(lock.locked(), true);
  lock.release();
  assert.equal(lock.locked(), false);
  assert.throws(() => lock.release(), LockNotHeldError);
});

test('another thread cannot acquire or release it while it is owned here', async () => {
  const lock = new RLock();
  const out = cells(2);
  lock.acquireSync();
  const t = new Thread({
    target: (lock: RLock, out: Int32Array) => {
      out[0] = lock.acquireSync({ blocking: false }) ? 1 : 2;
      try {
        lock.release();
      } catch (e) {
        out[1] = (e as { code?: string }).code === 'ERR_LOOM_LOCK_NOT_HELD' ? 1 : 2;
      }
    },
    args: [lock, out],
  });
  t.start();
  await t.join();
  assert.deepEqual([...out], [2, 1]);
  lock.release();
});

test('a thread waiting for it gets it after the owner releases', async () => {
  const lock = new RLock();
  const started = new Event();
  lock.acquireSync();
  const t = new Thread({
    target: (lock: RLock, started: Event) => {
      started.set();
      using _held = lock.holdSync();
    },
    args: [lock, started],
  });
  t.start();
  started.waitSync(10);
  lock.release();
  await t.join();
  assert.equal(lock.locked(), false);
});
