/**
 * imap and imapUnordered read an iterable that is not an array as the workers
 * need items, as CPython's pool does (issue 19): CPython's
 * _test_multiprocessing.py test_imap_handle_iterable_exception and
 * test_imap_unordered_handle_iterable_exception (results before the iterable's
 * error, then the error itself), an endless generator that yields results and
 * stops being read at `break`, a read-ahead that stays bounded, and close(),
 * terminate() and interrupts with a generator half read. map keeps reading
 * everything at the call: test_map_handle_iterable_exception.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interruptWork, outputHooks } from '../../src/host/index.js';
import { Interrupted, Pool, PoolStateError, ThreadPool } from '../../src/index.js';
import { assertNothingLeftAtEnd } from './helpers.js';

assertNothingLeftAtEnd();

/** CPython's SayWhenError (a ValueError there). */
class SayWhenError extends RangeError {
  override name = 'SayWhenError';
}

/** CPython's exception_throwing_generator: 0, 1, ... total-1, but SayWhenError at `when` (-1: before the first). */
function* exceptionThrowingGenerator(total: number, when: number): Generator<number> {
  if (when === -1) throw new SayWhenError('Somebody said when');
  for (let i = 0; i < total; i++) {
    if (i === when) throw new SayWhenError('Somebody said when');
    yield i;
  }
}

const sqr = (x: number): number => x * x;

const saidWhen = (e: Error): boolean => e instanceof SayWhenError && e.message === 'Somebody said when';

/** An endless generator that counts what has been read from it and whether it was closed. */
function endless(): { items: Generator<number>; read: () => number; closed: () => boolean } {
  let read = 0;
  let closed = false;
  function* items(): Generator<number> {
    try {
      for (;;) yield read++;
    } finally {
      closed = true;
    }
  }
  return { items: items(), read: () => read, closed: () => closed };
}

const kinds = [['ThreadPool', () => new ThreadPool(2)], ['Pool', () => new Pool(2)]] as const;

for (const [name, makePool] of kinds) {
  test(`${name}: test_imap_handle_iterable_exception: the results before the iterable's error, then the error (its class and message), then the end`, async () => {
    await using pool = makePool();
    const firstFails = pool.imap(sqr, exceptionThrowingGenerator(1, -1), 1);
    assert.throws(() => firstFails.nextSync(), saidWhen);
    assert.equal(firstFails.nextSync().done, true);
    // Again: the pool is not broken by it (CPython: "make sure it's reentrant").
    await assert.rejects(pool.imap(sqr, exceptionThrowingGenerator(1, -1), 1).next(), saidWhen);

    const third = pool.imap(sqr, exceptionThrowingGenerator(10, 3), 1);
    for (let i = 0; i < 3; i++) assert.deepEqual(await third.next(), { done: false, value: i * i });
    await assert.rejects(third.next(), saidWhen);
    assert.equal((await third.next()).done, true);

    // The error takes the place of the chunk it cut short: with chunksize 2, item 6 is not run (as in CPython).
    const pairs = pool.imap(sqr, exceptionThrowingGenerator(20, 7), 2);
    for (let i = 0; i < 6; i++) assert.equal(pairs.nextSync().value, i * i);
    assert.throws(() => pairs.nextSync(), saidWhen);
    const fours = pool.imap(sqr, exceptionThrowingGenerator(20, 7), { chunksize: 4 });
    for (let i = 0; i < 4; i++) assert.equal(fours.nextSync().value, i * i);
    assert.throws(() => fours.nextSync(), saidWhen);
    assert.equal(fours.nextSync().done, true);
  });

  test(`${name}: test_imap_unordered_handle_iterable_exception: results of the items read before the error, in any order, then the error`, async () => {
    await using pool = makePool();
    await assert.rejects(pool.imapUnordered(sqr, exceptionThrowingGenerator(1, -1), 1).next(), saidWhen);
    for (const [total, when, chunksize, before] of [[10, 3, 1, [0, 1, 4]], [20, 7, 2, [0, 1, 4, 9, 16, 25]], [20, 7, 4, [0, 1, 4, 9]]] as const) {
      const results = pool.imapUnordered(sqr, exceptionThrowingGenerator(total, when), chunksize);
      const got: number[] = [];
      // CPython only says the error comes somewhere; loom gives it after every result read before it.
      await assert.rejects(async () => {
        for await (const value of results) got.push(value);
      }, saidWhen);
      assert.deepEqual(got.sort((a, b) => a - b), before);
      assert.equal(results.nextSync().done, true);
    }
  });
}

test('a task\'s error in an imap over a generator is thrown at its place and the results go on (as with an array)', async () => {
  await using pool = new ThreadPool(2);
  function* three(): Generator<number> {
    yield* [1, 2, 3];
  }
  const results = pool.imap((x: number) => { if (x === 2) throw new TypeError('two'); return x; }, three());
  assert.deepEqual(await results.next(), { done: false, value: 1 });
  await assert.rejects(results.next(), (e: Error) => e instanceof TypeError && e.message === 'two');
  assert.deepEqual(await results.next(), { done: false, value: 3 });
  assert.equal((await results.next()).done, true);
});

for (const [name, makePool] of kinds) {
  test(`${name}: imap over an endless generator yields in order; break stops the reading and closes the generator`, async () => {
    await using pool = makePool();
    const source = endless();
    const results = pool.imap((x: number) => x + 1, source.items, 3);
    // The call returns having read a few chunks ahead, not the whole (endless) iterable.
    assert.ok(source.read() >= 3 && source.read() <= 2 * 2 * 3, `read ${source.read()} items at the call`);
    const got: number[] = [];
    for await (const value of results) {
      got.push(value);
      if (got.length === 25) break;
    }
    assert.deepEqual(got, Array.from({ length: 25 }, (_, i) => i + 1));
    assert.equal(source.closed(), true, 'break closes the generator, as for...of does');
    const read = source.read();
    // The chunks still out finish (a round trip through the pool lets their results in): nothing more is read.
    assert.deepEqual(await pool.map((x: number) => x, [1, 2, 3, 4]), [1, 2, 3, 4]);
    assert.equal(source.read(), read);
  });
}

test('imapUnordered over an endless generator with a plain for (blocking): break stops the reading', async () => {
  await using pool = new ThreadPool(2);
  const source = endless();
  const got = new Set<number>();
  for (const value of pool.imapUnordered((x: number) => x * 2, source.items, { chunksize: 2 })) {
    got.add(value);
    if (got.size === 10) break;
  }
  assert.equal(source.closed(), true);
  for (const value of got) assert.equal(value % 2, 0);
  const read = source.read();
  await pool.map((x: number) => x, [1, 2, 3, 4]);
  assert.equal(source.read(), read);
});

test('the read-ahead is bounded: at most 8 chunks per worker ahead of the results taken, however slowly the caller reads', async () => {
  await using pool = new ThreadPool(2);
  let read = 0;
  let taken = 0;
  let mostAhead = 0;
  function* counted(): Generator<number> {
    for (;;) {
      mostAhead = Math.max(mostAhead, read - taken);
      yield read++;
    }
  }
  for await (const value of pool.imap((x: number) => x, counted(), 2)) {
    assert.equal(value, taken++);
    if (taken === 60) break;
    // A slow reader: a round trip through the pool, while which the workers finish chunks and more are read.
    await pool.apply(() => 0);
  }
  assert.ok(mostAhead <= 8 * 2 * 2, `read ${mostAhead} items ahead of the caller`);
  // A caller that reads nothing: the workers go through the first chunks, and the reading stops at the bound.
  read = 0;
  taken = 0;
  const unread = pool.imap((x: number) => x, counted(), 2);
  for (let i = 0; i < 20; i++) await pool.apply(() => 0);
  assert.ok(read <= 8 * 2 * 2, `read ${read} items with none taken`);
  await unread.return();
});

test('close() lets an imap half read finish its iterable, as Python\'s pool does; join() waits for it; new tasks are refused', async () => {
  for (const pool of [new ThreadPool(2), new Pool(2)]) {
    function* hundred(): Generator<number> {
      for (let i = 0; i < 100; i++) yield i;
    }
    const results = pool.imap((x: number) => x * 10, hundred());
    pool.close();
    assert.throws(() => pool.apply(() => 1), (e: Error) => e instanceof PoolStateError && /the pool is closed/.test(e.message));
    await pool.join();
    assert.deepEqual([...results], Array.from({ length: 100 }, (_, i) => i * 10));
  }
  const blocking = new ThreadPool(1);
  function* ten(): Generator<number> {
    for (let i = 0; i < 10; i++) yield i;
  }
  const unordered = blocking.imapUnordered((x: number) => x, ten());
  blocking.close();
  blocking.joinSync();
  assert.deepEqual([...unordered].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await blocking.join();
});

test('terminate() during an imap over an endless generator: PoolStateError for what did not finish, then the end; nothing more is read', async () => {
  const pool = new ThreadPool(2);
  const source = endless();
  const results = pool.imap((x: number) => x, source.items);
  for (let i = 0; i < 3; i++) assert.equal((await results.next()).value, i);
  pool.terminate();
  const read = source.read();
  let errors = 0;
  for (;;) {
    try {
      if ((await results.next()).done) break;
    } catch (error) {
      assert.ok(error instanceof PoolStateError, String(error));
      errors++;
    }
  }
  assert.ok(errors >= 1);
  assert.equal(source.read(), read);
  await pool.join();
});

test('interruptWork(tag) of an imap over an endless generator: its tasks fail with Interrupted, and the generator is read no further', async () => {
  let tag: string | undefined;
  outputHooks.outputTag = () => tag;
  try {
    await using pool = new ThreadPool(2);
    const source = endless();
    tag = 'cell-1';
    const results = pool.imap((x: number) => {
      // From item 6 on, blocks its worker for ten minutes: only the interrupt ends it.
      if (x >= 6) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);
      return x;
    }, source.items);
    // Later reads happen while other code runs (no tag here): their tasks keep the tag of the imap call.
    tag = undefined;
    for (let i = 0; i < 6; i++) assert.equal((await results.next()).value, i);
    const read = source.read();
    assert.ok(read > 6);
    interruptWork('cell-1');
    let interrupted = 0;
    for (;;) {
      try {
        if ((await results.next()).done) break;
      } catch (error) {
        assert.ok(error instanceof Interrupted, String(error));
        interrupted++;
      }
    }
    assert.ok(interrupted >= 1);
    assert.equal(source.read(), read);
    // The pool goes on.
    assert.equal(await pool.apply(() => 'after'), 'after');
  } finally {
    outputHooks.outputTag = () => undefined;
  }
});

test('test_map_handle_iterable_exception: map and mapAsync read the whole iterable at the call, so its error is thrown at once', async () => {
  await using pool = new ThreadPool(2);
  await assert.rejects(async () => pool.map(sqr, exceptionThrowingGenerator(1, -1), 1), saidWhen);
  await assert.rejects(async () => pool.map(sqr, exceptionThrowingGenerator(1, -1), 1), saidWhen);
  await assert.rejects(async () => pool.map(sqr, exceptionThrowingGenerator(10, 3), 1), saidWhen);
  assert.throws(() => pool.mapAsync(sqr, exceptionThrowingGenerator(10, 3)), saidWhen);
  // CPython's SpecialIterable: an iterator whose next() throws.
  const special: Iterable<number> = { [Symbol.iterator]: () => ({ next: () => { throw new SayWhenError('Somebody said when'); } }) };
  await assert.rejects(async () => pool.map(sqr, special, 1), saidWhen);
  await assert.rejects(async () => pool.starmap((a: number) => a, special as Iterable<never>), saidWhen);
  assert.deepEqual(await pool.map(sqr, [1, 2, 3]), [1, 4, 9]);
});
