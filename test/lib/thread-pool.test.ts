import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ArgumentTypeError, ArgumentValueError, BrokenWorkerError, FreeVariableError, Lock, PoolStateError, ThreadPool, TimeoutError,
  liveWorkerCount, whenWorkersExited,
} from '../../src/index.js';
import { assertNothingLeftAtEnd, cells } from './helpers.js';

assertNothingLeftAtEnd();

const tasks = `${__dirname}/fixtures/tasks.js`;

test('map, starmap and apply run in the threads and keep order', async () => {
  await using pool = new ThreadPool(2);
  assert.equal(pool.processes, 2);
  assert.deepEqual(await pool.map((x: number) => x * x, [1, 2, 3, 4, 5]), [1, 4, 9, 16, 25]);
  assert.deepEqual(await pool.map((x: number) => x + 1, new Set([1, 2]), { chunksize: 1 }), [2, 3]);
  assert.deepEqual(await pool.starmap((a: number, b: number) => a * b, [[2, 3], [4, 5]]), [6, 20]);
  assert.equal(await pool.apply((a: number, b: string) => b.repeat(a), [3, 'ab']), 'ababab');
  assert.deepEqual(await pool.map((x: number) => x, []), []);
  assert.deepEqual(pool.mapSync((x: number) => -x, [1, 2]), [-1, -2]);
  assert.deepEqual(pool.starmapSync((a: number, b: number) => a - b, [[5, 3]]), [2]);
  assert.equal(pool.applySync(() => 'sync'), 'sync');
});

test('async functions are awaited in the worker', async () => {
  await using pool = new ThreadPool(2);
  assert.deepEqual(await pool.map(async (x: number) => { await new Promise((r) => setTimeout(r, 1)); return x * 10; }, [1, 2, 3]), [10, 20, 30]);
});

test('a module export runs by {filename, name}, with its imports', async () => {
  await using pool = new ThreadPool(1);
  assert.deepEqual(await pool.map({ filename: tasks, name: 'square' }, [2, 3]), [4, 9]);
  assert.deepEqual(await pool.map({ filename: tasks }, [2]), [6]);
  assert.equal(typeof (await pool.apply({ filename: tasks, name: 'cpuModel' })), 'string');
  await assert.rejects(pool.apply({ filename: tasks, name: 'missing' }), /'fn.name' must be the name of a function exported by/);
});

test('mapAsync returns an AsyncResult: ready() turns true inside a busy loop that never yields', () => {
  using pool = new ThreadPool(2);
  const result = pool.mapAsync((n: number) => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }, [1e6, 2e6, 3e6]);
  assert.throws(() => (result.ready() ? (() => { throw new ArgumentValueError('x'); })() : result.successful()), ArgumentValueError);
  let spins = 0;
  while (!result.ready()) spins++;
  assert.ok(spins >= 0);
  assert.equal(result.successful(), true);
  assert.deepEqual(result.getSync(), [499999500000, 1999999000000, 4499998500000]);
});

test('AsyncResult: wait and get with timeouts, errors rethrown with their class', async () => {
  await using pool = new ThreadPool(1);
  const gate = cells(1);
  const slow = pool.applyAsync((gate: Int32Array) => { Atomics.wait(gate, 0, 0, 5000); return 'late'; }, [gate]);
  await slow.wait(0.01);
  assert.equal(slow.ready(), false);
  await assert.rejects(slow.get(0.01), TimeoutError);
  assert.throws(() => slow.getSync(0.01), TimeoutError);
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  assert.equal(await slow.get(), 'late');
  const failing = pool.applyAsync(() => { throw new RangeError('out of range'); });
  failing.waitSync();
  assert.equal(failing.successful(), false);
  await assert.rejects(failing.get(), (error: Error) => error instanceof RangeError && error.message === 'out of range' && (error.cause as Error).stack!.includes('out of range'));
});

test('applyAsync and mapAsync call callback or errorCallback', async () => {
  await using pool = new ThreadPool(1);
  const got = await new Promise((resolve) => pool.applyAsync((x: number) => x * 2, [21], { callback: resolve }));
  assert.equal(got, 42);
  const failure = await new Promise<Error>((resolve) => pool.mapAsync(() => { throw new Error('nope'); }, [1], { errorCallback: (e) => resolve(e as Error) }));
  assert.equal(failure.message, 'nope');
});

test('imap yields in order, imapUnordered as results finish; both for await and plain for', async () => {
  await using pool = new ThreadPool(2);
  const seen: number[] = [];
  for await (const value of pool.imap((x: number) => x * 2, [1, 2, 3, 4], { chunksize: 3 })) seen.push(value);
  assert.deepEqual(seen, [2, 4, 6, 8]);
  const gate = cells(1);
  // The first item waits until this thread has the second: unordered gives the second first.
  const unordered = pool.imapUnordered((x: [Int32Array, number]) => {
    const [gate, n] = x;
    if (n === 1) Atomics.wait(gate, 0, 0, 5000);
    return n;
  }, [[gate, 1], [gate, 2]] as [Int32Array, number][])[Symbol.iterator]();
  assert.deepEqual(unordered.next(), { done: false, value: 2 });
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  assert.deepEqual(unordered.next(), { done: false, value: 1 });
  assert.equal(unordered.next().done, true);
  const failing = pool.imap((x: number) => { if (x === 2) throw new Error('two'); return x; }, [1, 2, 3]);
  assert.deepEqual(await failing.next(), { done: false, value: 1 });
  await assert.rejects(failing.next(), /two/);
  assert.deepEqual(await failing.next(), { done: false, value: 3 });
});

test('shared objects in args arrive as themselves', async () => {
  await using pool = new ThreadPool(2);
  const lock = new Lock();
  const counter = cells(1);
  await pool.map((x: [Lock, Int32Array]) => {
    const [lock, counter] = x;
    using _held = lock.holdSync();
    counter[0] += 1;
  }, Array.from({ length: 50 }, () => [lock, counter] as [Lock, Int32Array]), { chunksize: 5 });
  assert.equal(counter[0], 50);
});

test('initializer runs once per worker with initargs; a failing one fails the tasks', async () => {
  const seen = cells(1);
  {
    await using pool = new ThreadPool({ processes: 2, initializer: (seen: Int32Array) => { Atomics.add(seen, 0, 1); Atomics.notify(seen, 0); }, initargs: [seen] });
    await pool.map((x: number) => x, [1, 2, 3, 4]);
    // Each worker runs it as it starts, tasks or not.
    for (let now = Atomics.load(seen, 0); now < 2; now = Atomics.load(seen, 0)) Atomics.wait(seen, 0, now, 5000);
    await pool.map((x: number) => x, [1, 2, 3, 4]);
    assert.equal(Atomics.load(seen, 0), 2);
  }
  await using broken = new ThreadPool({ processes: 1, initializer: () => { throw new Error('no init'); } });
  await assert.rejects(broken.apply(() => 1), (error: Error) => error instanceof BrokenWorkerError && /initializer threw in this worker: no init/.test(error.message));
});

test('worker threads that cannot start fail the tasks with BrokenWorkerError instead of leaving them waiting', { timeout: 30_000 }, async () => {
  // Too little heap to boot: each worker dies while starting, and piscina starts no more.
  await using pool = new ThreadPool({ processes: 2, resourceLimits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 } });
  const cannotStart = (error: Error) => error instanceof BrokenWorkerError && /the pool's worker threads cannot start: .*memory/.test(error.message);
  await assert.rejects(pool.map((x: number) => x + 1, [1, 2, 3]), cannotStart);
  await assert.rejects(pool.apply(() => 1), cannotStart, 'a later task fails at once too');
});

test('a thread that dies mid-map fails its task with BrokenWorkerError; the others complete and the pool goes on', async () => {
  await using pool = new ThreadPool(2);
  const results = pool.imap((x: number) => { if (x === 3) process.exit(7); return x; }, [1, 2, 3, 4, 5]);
  const seen: (number | string)[] = [];
  for (;;) {
    try {
      const next = await results.next();
      if (next.done) break;
      seen.push(next.value);
    } catch (error) {
      assert.ok(error instanceof BrokenWorkerError, String(error));
      assert.equal((error as BrokenWorkerError).code, 'ERR_LOOM_BROKEN_WORKER');
      assert.match((error as Error).message, /process\.exit\(7\)/);
      seen.push('broken');
    }
  }
  assert.deepEqual(seen, [1, 2, 'broken', 4, 5]);
  assert.deepEqual(await pool.map((x: number) => x * 2, [1, 2, 3]), [2, 4, 6]);
});

test('a thread that runs out of memory fails its task; the pool replaces it', async () => {
  await using pool = new ThreadPool({ processes: 1, resourceLimits: { maxOldGenerationSizeMb: 16 } });
  await assert.rejects(pool.apply(() => { const hog: number[][] = []; for (;;) hog.push(new Array(1e5).fill(1)); }), BrokenWorkerError);
  assert.equal(await pool.apply(() => 'alive'), 'alive');
});

test('bad arguments throw at once, naming the argument and the value', () => {
  assert.throws(() => new ThreadPool({ processes: 0 }), (e: Error) => e instanceof ArgumentValueError && e.message === "'processes' must be at least 1; got 0");
  assert.throws(() => new ThreadPool({ processes: 1.5 }), ArgumentTypeError);
  assert.throws(() => new ThreadPool({ initargs: 3 as never }), /'initargs' must be an array/);
  using pool = new ThreadPool(1);
  assert.throws(() => pool.map(42 as never, [1]), (e: Error) => e instanceof ArgumentTypeError && /'fn' must be a function, or \{filename, name\}.*got 42/.test(e.message));
  assert.throws(() => pool.map((x: number) => x, 5 as never), /'iterable' must be an iterable/);
  assert.throws(() => pool.map((x: number) => x, [1], { chunksize: 0 }), /'chunksize' must be at least 1; got 0/);
  assert.throws(() => pool.starmap((x: number) => x, [1] as never), /'iterable\[0\]' must be an array of arguments/);
  assert.throws(() => pool.apply((x: number) => x, 1 as never), /'args' must be an array/);
  assert.throws(() => pool.apply({ filename: '/no/such/file.js' }), /'fn.filename' must be an existing module file/);
  const outside = 5;
  assert.throws(() => pool.apply(() => outside), (e: Error) => e instanceof FreeVariableError && /'outside'.*not visible in the worker/.test(e.message));
  assert.throws(() => pool.join(), PoolStateError);
  pool.close();
  assert.throws(() => pool.apply(() => 1), PoolStateError);
});

test('close and join wait for the queued tasks; terminate during a map fails it and leaves no thread', async () => {
  const before = liveWorkerCount();
  const pool = new ThreadPool(2);
  const done = pool.map((x: number) => x + 1, [1, 2, 3]);
  pool.close();
  assert.deepEqual(await done, [2, 3, 4]);
  await pool.join();
  const busy = new ThreadPool(2);
  const map = busy.map(() => { for (;;); }, [1, 2, 3, 4]);
  busy.terminate();
  await assert.rejects(map, PoolStateError);
  await busy.join();
  assert.equal(await whenWorkersExited(5000), 0);
  assert.ok(liveWorkerCount() <= before);
});

test('using terminates at the end of the block', async () => {
  let escaped: ThreadPool | undefined;
  {
    using pool = new ThreadPool(1);
    escaped = pool;
    assert.equal(await pool.apply(() => 1), 1);
  }
  assert.throws(() => escaped!.apply(() => 1), PoolStateError);
  await escaped.join();
});
