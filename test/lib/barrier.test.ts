import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Barrier, BrokenBarrierError, Thread } from '../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd, cells } from './helpers.js';

assertNoWorkersLeftAtEnd();

test('3 threads and the main thread pass together; indexes differ; the action runs once', async () => {
  const barrier = new Barrier(4, { action: () => { /* runs in whichever thread arrives last */ } });
  const indexes = cells(4);
  const threads = [0, 1, 2].map((i) => new Thread({
    target: (barrier: Barrier, out: Int32Array, i: number) => { out[i] = barrier.waitSync(10) + 1; },
    args: [barrier, indexes, i],
  }));
  threads.forEach((t) => t.start());
  indexes[3] = (await barrier.wait(10)) + 1;
  await Promise.all(threads.map((t) => t.join()));
  assert.deepEqual([...indexes].sort(), [1, 2, 3, 4]);
  assert.equal(barrier.broken, false);
});

test('a wait that times out breaks the barrier for everyone; reset() repairs it', async () => {
  const barrier = new Barrier(2);
  assert.throws(() => barrier.waitSync(0.02), BrokenBarrierError);
  assert.equal(barrier.broken, true);
  await assert.rejects(barrier.wait(1), (e: BrokenBarrierError) => e.code === 'ERR_LOOM_BROKEN_BARRIER');
  barrier.reset();
  assert.equal(barrier.broken, false);
});

test('abort() wakes a waiting thread with BrokenBarrierError', async () => {
  const barrier = new Barrier(2);
  const out = cells(1);
  const t = new Thread({
    target: (barrier: Barrier, out: Int32Array) => {
      try {
        barrier.waitSync(10);
      } catch (e) {
        out[0] = (e as Error).name === 'BrokenBarrierError' ? 1 : 2;
      }
    },
    args: [barrier, out],
  });
  t.start();
  while (barrier.nWaiting === 0) await new Promise((resolve) => setImmediate(resolve));
  barrier.abort();
  await t.join();
  assert.equal(out[0], 1);
});

test('bad parties throws at once', () => {
  assert.throws(() => new Barrier(0), /'parties' must be a positive integer; got 0/);
});
