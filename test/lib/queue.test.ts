import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Empty, Full, ItemTooLargeError, LifoQueue, PriorityQueue, Queue, ShutDown, SimpleQueue } from '../../src/queue/index.js';
import { Event, Thread } from '../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd } from './helpers.js';

assertNoWorkersLeftAtEnd();

test('FIFO order, with every kind of item', () => {
  const q = new Queue();
  const items = [1, 2.5, 'two', '', true, false, null, undefined, { a: [1, 2] }, [3, 'x'], new Map([[1, 2]]), 10n, new Date(0), new Uint8Array([1, 2])];
  for (const item of items) q.putSync(item);
  assert.equal(q.qsize(), items.length);
  assert.deepEqual(items.map(() => q.getSync()), items);
  assert.equal(q.empty(), true);
});

test('LifoQueue and PriorityQueue orders', () => {
  const l = new LifoQueue<number>();
  [1, 2, 3].forEach((x) => l.putSync(x));
  assert.deepEqual([l.getSync(), l.getSync(), l.getSync()], [3, 2, 1]);
  const p = new PriorityQueue<[number, string]>();
  for (const item of [[5, 'e'], [1, 'a'], [3, 'c'], [1, 'a2'], [2, 'b']] as [number, string][]) p.putSync(item);
  const out: string[] = [];
  while (!p.empty()) out.push(p.getSync()[1]);
  assert.deepEqual(out, ['a', 'a2', 'b', 'c', 'e']);
  // A string priority is fine on its own (Python accepts any comparable items); next to a number it is Python's TypeError.
  p.putSync([1, 'a']);
  assert.throws(() => p.putSync(['high', 1] as never), /'<' not supported between instances of 'string' and 'number'/);
});

test('Empty and Full, non-blocking and after a timeout', async () => {
  const q = new Queue(1);
  assert.throws(() => q.getNowait(), (e: Empty) => e.code === 'ERR_LOOM_QUEUE_EMPTY');
  assert.throws(() => q.getSync({ timeout: 0.02 }), Empty);
  await assert.rejects(q.get({ timeout: 0.02 }), Empty);
  q.putNowait('a');
  assert.equal(q.full(), true);
  assert.throws(() => q.putNowait('b'), (e: Full) => e.code === 'ERR_LOOM_QUEUE_FULL');
  assert.throws(() => q.putSync('b', { timeout: 0.02 }), Full);
  await assert.rejects(q.put('b', { timeout: 0.02 }), Full);
  assert.throws(() => q.getSync({ timeout: -1 }), /'timeout' must be a non-negative number of seconds; got -1/);
});

test('maxsize back-pressure: a producer thread waits until this thread takes items', async () => {
  const q = new Queue<number>(2);
  const producer = new Thread({ target: (q: Queue<number>) => { for (let i = 0; i < 500; i++) q.putSync(i); }, args: [q] });
  producer.start();
  const got: number[] = [];
  for (let i = 0; i < 500; i++) {
    assert.ok(q.qsize() <= 2);
    got.push(await q.get({ timeout: 10 }));
  }
  await producer.join();
  assert.deepEqual(got, Array.from({ length: 500 }, (_, i) => i));
});

test('byte capacity: items wrap around a small ring in order; an item too large throws', async () => {
  const q = new Queue<string>({ byteCapacity: 256 });
  const consumer = new Thread({
    target: (q: Queue<string>, done: Event) => {
      for (let i = 0; i < 3000; i++) if (q.getSync({ timeout: 10 }) !== 'x'.repeat(i % 50)) throw new Error(`item ${i} out of order`);
      done.set();
    },
    args: [q, new Event()],
  });
  consumer.start();
  for (let i = 0; i < 3000; i++) q.putSync('x'.repeat(i % 50));
  await consumer.join();
  assert.throws(() => q.putSync('y'.repeat(1000)), (e: ItemTooLargeError) => e.code === 'ERR_LOOM_ITEM_TOO_LARGE' && /byteCapacity/.test(e.message));
});

test('taskDone and join: join returns once every item is processed by a worker thread', async () => {
  const q = new Queue<number | null>();
  const results = new Queue<number>();
  const worker = new Thread({
    target: (q: Queue<number | null>, results: Queue<number>) => {
      for (;;) {
        const item = q.getSync();
        if (item !== null) results.putSync(item * 2);
        q.taskDone();
        if (item === null) return;
      }
    },
    args: [q, results],
  });
  worker.start();
  for (let i = 0; i < 100; i++) await q.put(i);
  q.putSync(null);
  await q.join();
  let sum = 0;
  while (!results.empty()) sum += results.getSync();
  assert.equal(sum, 2 * 4950);
  await worker.join();
  assert.throws(() => q.taskDone(), /taskDone\(\) called too many times/);
});

test('shutdown: put throws, get drains then throws, a waiting getter in a thread is woken', async () => {
  const q = new Queue<number>();
  const waiting = new Event();
  const getter = new Thread({
    target: (q: Queue<number>, waiting: Event) => {
      waiting.set();
      try {
        q.getSync();
      } catch (e) {
        if ((e as Error).name !== 'ShutDown') throw e;
      }
    },
    args: [q, waiting],
  });
  getter.start();
  waiting.waitSync(10);
  q.shutdown();
  await getter.join();
  assert.throws(() => q.putSync(1), (e: ShutDown) => e.code === 'ERR_LOOM_QUEUE_SHUTDOWN');
  assert.throws(() => q.get(), ShutDown, 'get() on a shut-down empty queue throws at once');

  const r = new Queue<number>();
  r.putSync(1);
  r.putSync(2);
  r.shutdown();
  assert.equal(r.getSync(), 1);
  r.taskDone();
  r.shutdown({ immediate: true });
  assert.equal(r.qsize(), 0);
  assert.throws(() => r.getSync(), ShutDown);
  r.joinSync(); // the discarded item counts as done
});

test('SimpleQueue across threads', async () => {
  const q = new SimpleQueue<string>();
  const t = new Thread({ target: (q: SimpleQueue<string>) => q.putSync(`from ${'thread'}`), args: [q] });
  t.start();
  assert.equal(await q.get({ timeout: 10 }), 'from thread');
  await t.join();
  assert.equal(q.empty(), true);
});

test('bad options and unshareable items throw with the argument named', () => {
  assert.throws(() => new Queue({ byteCapacity: 10 }), /'byteCapacity' must be between 64/);
  assert.throws(() => new Queue(1.5), /'maxsize' must be an integer; got 1.5/);
  assert.throws(() => new Queue().putSync(() => 1), /cannot be put in a queue/);
});
