import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ArgumentValueError, Empty, EOFError, Full, ItemTooLargeError, multiprocessing, NotShippableError, Pool, Process, Thread, ThreadPool,
} from '../../src/index.js';
import { assertNothingLeftAtEnd } from './helpers.js';

const { Queue, JoinableQueue, SimpleQueue, Pipe, Value, Array: SharedArray, RawValue, RawArray } = multiprocessing;

assertNothingLeftAtEnd();

test('a Queue carries items from a child process to its maker, in order, objects included', async () => {
  const q = new Queue<unknown>();
  const p = new Process({ target: (q: multiprocessing.Queue<unknown>) => { for (let i = 0; i < 100; i++) q.putSync({ i, at: new Date(i) }); q.putSync('done'); }, args: [q] });
  p.start();
  const got: number[] = [];
  for (;;) {
    const item = await q.get();
    if (item === 'done') break;
    got.push((item as { i: number }).i);
  }
  assert.deepEqual(got, Array.from({ length: 100 }, (_, i) => i));
  await p.join();
});

test('...and from the maker to a child; a bounded queue blocks the producer (back-pressure); timeouts give Empty and Full', async () => {
  const q = new Queue<number | null>(2);
  const results = new Queue<unknown>();
  const p = new Process({
    target: (q: multiprocessing.Queue<number | null>, results: multiprocessing.Queue<unknown>) => {
      let sum = 0;
      for (let item = q.getSync(); item !== null; item = q.getSync()) sum += item;
      let empty = '';
      try {
        q.getSync({ timeout: 0.01 });
      } catch (error) {
        empty = (error as Error).name;
      }
      results.putSync([sum, empty, q.qsize(), q.empty()]);
    },
    args: [q, results],
  });
  p.start();
  for (let i = 1; i <= 20; i++) await q.put(i);
  assert.equal(q.maxsize, 2);
  await q.put(null);
  assert.deepEqual(await results.get(), [210, 'Empty', 0, true]);
  await p.join();
  const full = new Queue<number>(1);
  full.putNowait(1);
  assert.equal(full.full(), true);
  assert.throws(() => full.putNowait(2), Full);
  assert.throws(() => full.putSync(2, { timeout: 0.01 }), Full);
  assert.equal(full.getNowait(), 1);
  assert.throws(() => full.getNowait(), Empty);
});

test('a child\'s put on a full bounded queue waits, and times out with Full', async () => {
  const q = new Queue<number>(1);
  q.putSync(0);
  const results = new Queue<string>();
  const p = new Process({
    target: (q: multiprocessing.Queue<number>, results: multiprocessing.Queue<string>) => {
      try {
        q.putSync(1, { timeout: 0.05 });
        results.putSync('put');
      } catch (error) {
        results.putSync((error as Error).name);
      }
      q.putSync(2);
      results.putSync('second put');
    },
    args: [q, results],
  });
  p.start();
  assert.equal(await results.get(), 'Full');
  assert.equal(q.getSync(), 0);
  assert.equal(await results.get(), 'second put');
  assert.equal(q.getSync(), 2);
  await p.join();
});

/** Sizes around every boundary the copies care about (the native copy's threshold, Node's pool, alignment), and large ones. */
const SIZES = [0, 1, 3, 63, 64, 65, 1000, 4095, 4096, 4097, 10240, 10243, 65537, 300001];

test('Buffers of every size and alignment arrive byte for byte: from a child, to a child (in batches), and inside objects', async () => {
  // Self-contained, so it can be shipped to the child too: a Buffer whose bytes depend on its size and a seed.
  const pattern = (size: number, seed: number): Buffer => {
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i++) out[i] = (i * 31 + size + seed) & 255;
    return out;
  };
  const fromChild = new Queue<unknown>();
  const p = new Process({
    target: (q: multiprocessing.Queue<unknown>, sizes: number[], make: typeof pattern) => {
      for (const size of sizes) {
        q.putSync(make(size, 1));
        q.putSync({ size, bytes: make(size, 2) });
      }
    },
    args: [fromChild, SIZES, pattern],
  });
  p.start();
  for (const size of SIZES) {
    assert.deepEqual(await fromChild.get(), pattern(size, 1), `a Buffer of ${size} bytes from the child`);
    assert.deepEqual(await fromChild.get(), { size, bytes: pattern(size, 2) }, `an object holding ${size} bytes from the child`);
  }
  await p.join();

  const toChild = new Queue<unknown>();
  const verdicts = new Queue<string[]>();
  const reader = new Process({
    target: (q: multiprocessing.Queue<unknown>, out: multiprocessing.Queue<string[]>, sizes: number[], make: typeof pattern) => {
      const wrong: string[] = [];
      for (let round = 0; round < 3; round++) {
        for (const size of sizes) {
          const item = q.getSync() as Buffer;
          if (!Buffer.isBuffer(item) || !item.equals(make(size, round))) wrong.push(`round ${round}, ${size} bytes`);
        }
      }
      out.putSync(wrong);
    },
    args: [toChild, verdicts, SIZES, pattern],
  });
  reader.start();
  // Three rounds, so the child reads quickly enough to be given several items per request.
  for (let round = 0; round < 3; round++) for (const size of SIZES) await toChild.put(pattern(size, round));
  assert.deepEqual(await verdicts.get(), []);
  await reader.join();
});

test('a child\'s burst of puts larger than the queue\'s byteCapacity waits in the parent and arrives intact, in order, as later reads come in', async () => {
  // The items that must wait for room in the hub must keep bytes of their own, whatever the hub does with what it read.
  const pattern = (size: number, seed: number): Buffer => {
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i++) out[i] = (i * 7 + seed * 13) & 255;
    return out;
  };
  const COUNT = 200;
  const SIZE = 10 * 1024;
  const q = new Queue<Buffer>({ byteCapacity: 32 * 1024 });
  const done = new Queue<string>();
  const p = new Process({
    target: (q: multiprocessing.Queue<Buffer>, done: multiprocessing.Queue<string>, count: number, size: number, make: typeof pattern) => {
      for (let i = 0; i < count; i++) q.putSync(make(size, i));
      done.putSync('all put');
    },
    args: [q, done, COUNT, SIZE, pattern],
  });
  p.start();
  // Every put has reached the parent (the last frames came after them), most of them still waiting for room.
  assert.equal(await done.get(), 'all put');
  const wrong: number[] = [];
  for (let i = 0; i < COUNT; i++) if (!(await q.get()).equals(pattern(SIZE, i))) wrong.push(i);
  assert.deepEqual(wrong, []);
  await p.join();
});

test('a child that uses its items slowly is given one at a time: the rest stay in the queue for others', async () => {
  const q = new Queue<number>();
  const progress = new Queue<string>();
  const go = new Queue<string>();
  for (let i = 0; i < 20; i++) q.putSync(i);
  const p = new Process({
    target: (q: multiprocessing.Queue<number>, progress: multiprocessing.Queue<string>, go: multiprocessing.Queue<string>) => {
      const pause = new Int32Array(new SharedArrayBuffer(4));
      for (let i = 0; i < 4; i++) {
        q.getSync();
        // Slow work: 20 ms per item, four times the most (5 ms) the hub lets a reader hold at once.
        Atomics.wait(pause, 0, 0, 20);
      }
      progress.putSync('took 4');
      go.getSync();
    },
    args: [q, progress, go],
  });
  p.start();
  let seen: number;
  try {
    assert.equal(await progress.get(), 'took 4');
    // Still running, holding nothing beyond what it took.
    seen = q.qsize();
  } finally {
    go.putSync('go');
    await p.join();
  }
  assert.equal(seen, 16);
  assert.equal(q.qsize(), 16);
});

test('pool workers share a Queue given in initargs or in task arguments', async () => {
  const q = new Queue<number>();
  await using pool = new Pool({ processes: 2, initializer: (q: multiprocessing.Queue<number>) => { (globalThis as Record<string, unknown>).results = q; }, initargs: [q] });
  await pool.map((x: number) => ((globalThis as Record<string, unknown>).results as multiprocessing.Queue<number>).putSync(x * 10), [1, 2, 3]);
  await pool.map((args: [multiprocessing.Queue<number>, number]) => args[0].putSync(args[1]), [[q, 7]]);
  const items = [q.getSync(), q.getSync(), q.getSync(), q.getSync()].sort((a, b) => a - b);
  assert.deepEqual(items, [7, 10, 20, 30]);
});

test('a JoinableQueue: workers mark items done, the producer joins', async () => {
  const q = new JoinableQueue<number | null>();
  const done = new Queue<number>();
  const workers = [1, 2].map(() => new Process({
    target: (q: multiprocessing.JoinableQueue<number | null>, done: multiprocessing.Queue<number>) => {
      for (;;) {
        const item = q.getSync();
        if (item === null) { q.taskDone(); break; }
        done.putSync(item * 2);
        q.taskDone();
      }
    },
    args: [q, done],
  }));
  workers.forEach((w) => w.start());
  for (let i = 0; i < 10; i++) q.putSync(i);
  q.putSync(null);
  q.putSync(null);
  await q.join();
  const doubled = Array.from({ length: 10 }, () => done.getSync()).sort((a, b) => a - b);
  assert.deepEqual(doubled, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  for (const w of workers) await w.join();
});

test('a SimpleQueue and threads: the same queue reaches threads of its maker directly', async () => {
  const q = new SimpleQueue<string>();
  const t = new Thread({ target: (q: multiprocessing.SimpleQueue<string>) => q.putSync('from a thread'), args: [q] });
  t.start();
  assert.equal(await q.get(), 'from a thread');
  await t.join();
  const p = new Process({ target: (q: multiprocessing.SimpleQueue<string>) => q.putSync('from a process'), args: [q] });
  p.start();
  assert.equal(q.getSync(), 'from a process');
  await p.join();
  assert.equal(q.empty(), true);
});

test('get() on a closed queue, or put(), throws at once; an item larger than the queue throws', () => {
  const q = new Queue<string>({ byteCapacity: 64 });
  assert.throws(() => q.putSync('x'.repeat(100)), ItemTooLargeError);
  q.close();
  assert.throws(() => q.getSync(), (e: Error) => e instanceof ArgumentValueError && /this Queue is closed: close\(\) was called/.test(e.message));
  assert.throws(() => q.putSync('x'), ArgumentValueError);
});

test('Pipe: duplex ends send and receive between processes; close gives EOFError after the last item', async () => {
  const [parent, child] = Pipe<unknown>();
  const p = new Process({
    target: (conn: multiprocessing.Connection<unknown>) => {
      conn.send([42, null, 'hello']);
      const got = conn.recvSync();
      conn.send(`echo ${String(got)}`);
      conn.sendBytes(Buffer.from('bytes!'));
      conn.close();
    },
    args: [child],
  });
  p.start();
  // As in Python, the reader sees EOF once every process holding the child's end has closed it: this one too.
  child.close();
  assert.deepEqual(await parent.recv(), [42, null, 'hello']);
  parent.send('ping');
  assert.equal(await parent.poll(5), true);
  assert.equal(parent.recvSync(), 'echo ping');
  assert.equal((await parent.recvBytes()).toString(), 'bytes!');
  await assert.rejects(parent.recv(), EOFError);
  assert.throws(() => parent.recvSync(), EOFError);
  await p.join();
  const [reader, writer] = Pipe<number>(false);
  assert.equal(reader.readable && !reader.writable && writer.writable && !writer.readable, true);
  assert.equal(reader.pollSync(), false);
  writer.send(1);
  assert.equal(reader.pollSync(1), true);
  assert.equal(reader.recvSync(), 1);
  assert.throws(() => reader.send(2), /'connection' must be a writable end/);
});

test('Value and Array live in shared memory for threads, with a lock; a process is refused bare shared memory (Value and Array reach it through the hub: mp-shared-values.test.ts)', async () => {
  const counter = new Value('i', 0);
  const squares = new SharedArray('d', 5);
  assert.equal(squares.length, 5);
  await using pool = new ThreadPool(2);
  await pool.map((args: [multiprocessing.Value, multiprocessing.SharedArray, number]) => {
    const [counter, squares, i] = args;
    squares[i] = i * i;
    using _held = counter.getLock().holdSync();
    counter.value += 1;
  }, [0, 1, 2, 3, 4].map((i) => [counter, squares, i] as [multiprocessing.Value, multiprocessing.SharedArray, number]));
  assert.equal(counter.value, 5);
  assert.deepEqual([...squares], [0, 1, 4, 9, 16]);
  assert.deepEqual(squares.slice(1, 3), [1, 4]);
  const primes = new SharedArray('i', [2, 3, 5]);
  assert.equal(primes[2], 5);
  assert.throws(() => { primes[3] = 7; }, RangeError);
  const big = new Value<bigint>('q', 2n ** 40n);
  assert.equal(big.value, 2n ** 40n);
  assert.throws(() => RawValue('i', 1).getLock(), /made with \{lock: false\}/);
  assert.equal(RawArray('B', 3).length, 3);
  assert.throws(() => new Value('x' as never), (e: Error) => e instanceof ArgumentValueError && /'typecode' must be one of b, B/.test(e.message));
  assert.throws(() => new Process({ target: (v: Int32Array) => v, args: [counter.getObj()] }).start(), (e: Error) => e instanceof NotShippableError && /args\[0\] is shared memory \(a SharedArrayBuffer\), which cannot reach another process/.test(e.message));
});
