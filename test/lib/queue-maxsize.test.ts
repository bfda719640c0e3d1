/** Assigning `q.maxsize`, as Python allows: the bound lives in shared memory, so every thread sees it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Full, Queue } from '../../src/queue/index.js';
import { SHARE } from '../../src/internal/share/registry.js';
import { H } from '../../src/internal/ring/layout.js';
import { Thread } from '../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd, cells } from './helpers.js';

assertNoWorkersLeftAtEnd();

/** The queue's header cells (white box: how many putters wait for room). */
function header(q: Queue<unknown>): Int32Array {
  return new Int32Array((q[SHARE]().data as { buffer: SharedArrayBuffer }).buffer, 0, H.CELLS);
}

// Lib/test/test_queue.py BaseQueueTestMixin.test_shrinking_queue (issue 10110), then taking items until there is room.
test('test_shrinking_queue: a maxsize below qsize makes full() true and putNowait throw Full until items are taken', () => {
  const q = new Queue<number>(3);
  q.putSync(1);
  q.putSync(2);
  q.putSync(3);
  assert.throws(() => q.putNowait(4), Full);
  assert.equal(q.qsize(), 3);
  q.maxsize = 2;
  assert.equal(q.maxsize, 2);
  assert.equal(q.full(), true);
  assert.throws(() => q.putNowait(4), Full);
  q.getSync();
  assert.equal(q.full(), true, 'qsize 2, maxsize 2');
  q.getSync();
  assert.equal(q.full(), false);
  q.putNowait(4);
  q.maxsize = 0; // no bound
  for (let i = 0; i < 10; i++) q.putNowait(i);
  assert.equal(q.full(), false);
});

test('a maxsize set in another thread is the bound here too', async () => {
  const q = new Queue<number>(5);
  const t = new Thread({ target: (q: Queue<number>) => { q.maxsize = 1; }, args: [q] });
  t.start();
  await t.join();
  assert.equal(q.maxsize, 1);
  q.putNowait(1);
  assert.throws(() => q.putNowait(2), Full);
});

// Python's put waits on not_full and re-checks qsize() >= maxsize when woken; assigning maxsize wakes no one there
// (the put goes on at the next get or its timeout). loom wakes it at once: the same re-check, sooner.
test('growing maxsize lets a put blocked in another thread proceed', async () => {
  const q = new Queue<number>(1);
  q.putSync(1);
  const putter = new Thread({ target: (q: Queue<number>) => q.putSync(2), args: [q] });
  putter.start();
  const h = header(q);
  const pause = cells();
  // Poll (5 ms apart) until the putter is waiting for room, so the growth is what lets it in.
  while (Atomics.load(h, H.NOT_FULL_WAITERS) === 0 && putter.isAlive()) Atomics.wait(pause, 0, 0, 5);
  assert.equal(q.qsize(), 1);
  q.maxsize = 2;
  await putter.join(10);
  assert.equal(putter.isAlive(), false, 'the putter is still blocked after maxsize grew');
  assert.equal(q.qsize(), 2);
  assert.deepEqual([q.getSync(), q.getSync()], [1, 2]);
});

test('maxsize is validated as the constructor validates it', () => {
  const q = new Queue(3);
  assert.throws(() => { q.maxsize = 1.5; }, /'maxsize' must be an integer; got 1.5/);
  assert.throws(() => { q.maxsize = '3' as never; }, /'maxsize' must be an integer; got '3'/);
  assert.equal(q.maxsize, 3, 'a refused value leaves the bound as it was');
  q.maxsize = -1;
  assert.equal(q.maxsize, 0, 'less than 1: no bound, as in the constructor');
  q.maxsize = 2 ** 40;
  assert.equal(q.maxsize, 2 ** 31 - 1, 'beyond the Int32 cell: the largest bound, not a wrapped one');
  assert.equal(new Queue(2 ** 32 + 5).maxsize, 2 ** 31 - 1, 'was 5 (the Int32 cell wrapped)');
});
