/**
 * multiprocessing.Value and Array (and RawValue, RawArray) used by child
 * processes (issue 19, "Processes that share state"): the child reads and
 * writes the parent's shared memory through the parent's hub, and getLock()
 * is the same lock there. Each test names the CPython test of
 * Lib/test/_test_multiprocessing.py it mirrors (_TestValue, _TestArray).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { multiprocessing, Pool, Process } from '../../src/index.js';
import { assertNothingLeftAtEnd } from './helpers.js';

const { Array: SharedArray, Queue, RawArray, RawValue, Value } = multiprocessing;

assertNothingLeftAtEnd();

async function runChild(target: (...args: never[]) => unknown, ...args: unknown[]): Promise<void> {
  const p = new Process({ target: target as (...args: unknown[]) => unknown, args });
  p.start();
  await p.join();
  assert.equal(p.exitCode, 0);
}

test('_TestValue.test_value: a child reads each typecode\'s value and writes a new one the parent sees', async () => {
  // CPython's codes_values: ('i', 4343, 24234), ('d', 3.625, -4.25), ('h', -232, 234), ('q', 2**33, 2**34).
  const values = [new Value('i', 4343), new Value('d', 3.625), new Value('h', -232), new Value<bigint>('q', 2n ** 33n)];
  const seen = new Queue<unknown>();
  await runChild((values: multiprocessing.Value<number | bigint>[], seen: multiprocessing.Queue<unknown>) => {
    seen.putSync(values.map((v) => v.value));
    const next = [24234, -4.25, 234, 2n ** 34n];
    values.forEach((v, i) => { v.value = next[i]; });
    seen.putSync([values[0].typecode, String(values[1])]);
  }, values, seen);
  assert.deepEqual(await seen.get(), [4343, 3.625, -232, 2n ** 33n]);
  assert.deepEqual(await seen.get(), ['i', '<Value d -4.25>']);
  assert.deepEqual(values.map((v) => v.value), [24234, -4.25, 234, 2n ** 34n]);
});

test('the issue\'s count: four processes, let go at once by one Event, each add 1 to a Value 10,000 times under getLock(); the total is exact', async () => {
  const counter = new Value('i', 0);
  const go = new multiprocessing.Event();
  const children = [1, 2, 3, 4].map(() => new Process({
    target: (counter: multiprocessing.Value, go: multiprocessing.Event) => {
      go.waitSync();
      for (let i = 0; i < 10_000; i++) {
        using _ = counter.getLock().holdSync();
        counter.value += 1;
      }
    },
    args: [counter, go],
  }));
  for (const p of children) p.start();
  go.set();
  // The parent takes part too, through the shared memory itself.
  for (let i = 0; i < 1000; i++) {
    using _ = counter.getLock().holdSync();
    counter.value += 1;
  }
  for (const p of children) await p.join();
  assert.deepEqual(children.map((p) => p.exitCode), [0, 0, 0, 0]);
  assert.equal(counter.value, 41_000);
});

test('_TestValue.test_getobj_getlock and test_rawvalue in a child: getLock() is the parent\'s lock; getObj() and a RawValue\'s lock are refused clearly', async () => {
  const v = new Value('i', 5);
  const raw = RawValue('d', 1.5);
  const seen = new Queue<unknown>();
  const name = (error: unknown): string => `${(error as Error).name}: ${(error as Error).message}`;
  v.getLock().acquireSync();
  const p = new Process({
    target: (v: multiprocessing.Value, raw: multiprocessing.Value, seen: multiprocessing.Queue<unknown>) => {
      const name = (f: () => unknown): unknown => {
        try {
          return f();
        } catch (error) {
          return `${(error as Error).name}: ${(error as Error).message}`;
        }
      };
      seen.putSync([
        v.getLock().acquireSync({ timeout: 0.01 }), raw.value,
        name(() => v.getObj()), name(() => raw.getLock()), name(() => { v.value = 1n as never; }),
      ]);
    },
    args: [v, raw, seen],
  });
  p.start();
  const [acquired, rawValue, getObj, rawLock, wrongType] = await seen.get() as unknown[];
  await p.join();
  v.getLock().release();
  assert.equal(acquired, false);
  assert.equal(rawValue, 1.5);
  assert.match(getObj as string, /^NotShippableError: the shared memory of a Value stays in the process that made it/);
  assert.match(rawLock as string, /made with \{lock: false\}/);
  assert.equal(wrongType, "ArgumentTypeError: an item of typecode 'i' must be a number; got bigint");
  assert.equal(v.value, 5);
  void name;
});

test('_TestArray.test_array and test_rawarray: a child reads, writes, slices and iterates an Array; an index past the end throws there', async () => {
  const arr = new SharedArray('i', [0, 1, 2, 3, 4]);
  const raw = RawArray('d', 3);
  const seen = new Queue<unknown>();
  await runChild((arr: multiprocessing.SharedArray, raw: multiprocessing.SharedArray, seen: multiprocessing.Queue<unknown>) => {
    const before = [arr.length, arr[2], arr.slice(1, 3), [...arr], arr[9], 2 in arr, 9 in arr];
    {
      using _ = arr.getLock().holdSync();
      for (let i = 0; i < arr.length; i++) arr[i] = arr[i] * 10;
    }
    raw[1] = 0.5;
    let error = '';
    try {
      arr[5] = 1;
    } catch (e) {
      error = (e as Error).name;
    }
    seen.putSync([...before, error, String(arr), raw.length]);
  }, arr, raw, seen);
  assert.deepEqual(await seen.get(), [5, 2, [1, 2], [0, 1, 2, 3, 4], undefined, true, false, 'RangeError', '<Array i [0, 10, 20, 30, 40]>', 3]);
  assert.deepEqual([...arr], [0, 10, 20, 30, 40]);
  assert.deepEqual([...raw], [0, 0.5, 0]);
});

test('Value and Array in Pool initargs and task arguments: every worker adds under the lock; nothing is lost', async () => {
  const total = new Value('i', 0);
  const hits = new SharedArray('i', 4);
  {
    await using pool = new Pool({
      processes: 2,
      initializer: (hits: multiprocessing.SharedArray) => { (globalThis as Record<string, unknown>).hits = hits; },
      initargs: [hits],
    });
    await pool.starmap((total: multiprocessing.Value, i: number) => {
      const hits = (globalThis as Record<string, unknown>).hits as multiprocessing.SharedArray;
      using _ = total.getLock().holdSync();
      total.value += i;
      hits[i % 4] += 1;
    }, Array.from({ length: 40 }, (_, i) => [total, i] as [multiprocessing.Value, number]));
    pool.close();
  }
  assert.equal(total.value, (39 * 40) / 2);
  assert.deepEqual([...hits], [10, 10, 10, 10]);
});
