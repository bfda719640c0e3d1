import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedSemaphore, Semaphore, SemaphoreOverreleasedError, Thread } from '../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd, cells } from './helpers.js';

assertNoWorkersLeftAtEnd();

test('at most `value` threads are inside at once', async () => {
  const slots = new Semaphore(2);
  const stats = cells(2); // [inside now, most inside at once]
  const threads = Array.from({ length: 5 }, () => new Thread({
    target: (slots: Semaphore, stats: Int32Array) => {
      for (let i = 0; i < 200; i++) {
        using _slot = slots.holdSync();
        const inside = Atomics.add(stats, 0, 1) + 1;
        for (let seen = Atomics.load(stats, 1); inside > seen; seen = Atomics.load(stats, 1)) Atomics.compareExchange(stats, 1, seen, inside);
        Atomics.sub(stats, 0, 1);
      }
    },
    args: [slots, stats],
  }));
  threads.forEach((t) => t.start());
  await Promise.all(threads.map((t) => t.join()));
  assert.ok(stats[1] <= 2 && stats[1] >= 1, `max inside was ${stats[1]}`);
});

test('acquire with a timeout, non-blocking, and release(n)', async () => {
  const s = new Semaphore(0);
  assert.equal(s.acquireSync({ blocking: false }), false);
  assert.equal(s.acquireSync({ timeout: 0.02 }), false);
  s.release(2);
  assert.equal(await s.acquire(), true);
  assert.equal(s.acquireSync({ blocking: false }), true);
  assert.equal(s.acquireSync({ blocking: false }), false);
});

test('BoundedSemaphore refuses to go over its initial value; bad values throw', () => {
  const b = new BoundedSemaphore(1);
  assert.throws(() => b.release(), (e: SemaphoreOverreleasedError) => e.code === 'ERR_LOOM_SEMAPHORE_OVERRELEASED');
  b.acquireSync();
  b.release();
  assert.throws(() => new Semaphore(-1), /'value' must be a non-negative integer; got -1/);
  assert.throws(() => new Semaphore(1).release(0), /'n' must be a positive integer; got 0/);
});
