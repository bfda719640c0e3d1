import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Condition, Lock, LockNotHeldError, Thread } from '../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd, cells } from './helpers.js';

assertNoWorkersLeftAtEnd();

test('producer/consumer: waitFor sees the state another thread changed and notified', async () => {
  const cond = new Condition();
  const box = cells(2); // [items ready, consumed]
  const consumer = new Thread({
    target: (cond: Condition, box: Int32Array) => {
      for (let i = 0; i < 100; i++) {
        using _held = cond.holdSync();
        cond.waitForSync(() => box[0] > 0, 10);
        box[0]--;
        box[1]++;
        cond.notifyAll();
      }
    },
    args: [cond, box],
  });
  consumer.start();
  for (let i = 0; i < 100; i++) {
    using _held = await cond.hold();
    await cond.waitFor(() => box[0] < 5, 10);
    box[0]++;
    cond.notify();
  }
  await consumer.join();
  assert.deepEqual([...box], [0, 100]);
});

test('wait times out with false and re-acquires the lock; works over a plain Lock', () => {
  const cond = new Condition(new Lock());
  cond.acquireSync();
  assert.equal(cond.waitSync(0.02), false);
  cond.release();
});

test('wait and notify without the lock throw; a non-lock argument throws', () => {
  const cond = new Condition();
  assert.throws(() => cond.waitSync(0), LockNotHeldError);
  assert.throws(() => cond.notify(), (e: LockNotHeldError) => e.code === 'ERR_LOOM_LOCK_NOT_HELD');
  assert.throws(() => new Condition({} as never), /'lock' must be a Lock or RLock; got \{\}/);
});
