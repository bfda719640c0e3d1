/**
 * PriorityQueue orders items as Python's `<` does. Each expected order below is
 * what CPython 3.11's queue.PriorityQueue returned for the same items (tuples for arrays, True for true).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentTypeError } from '../../src/errors.js';
import { PriorityQueue } from '../../src/queue/index.js';
import { H } from '../../src/internal/ring/layout.js';
import { SHARE } from '../../src/internal/share/registry.js';
import { Thread } from '../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd } from './helpers.js';

assertNoWorkersLeftAtEnd();

function drain<T>(q: PriorityQueue<T>): T[] {
  const out: T[] = [];
  while (!q.empty()) out.push(q.getNowait());
  return out;
}

function filled<T>(items: T[]): PriorityQueue<T> {
  const q = new PriorityQueue<T>();
  for (const item of items) q.putNowait(item);
  return q;
}

// Lib/test/test_queue.py BaseQueueTestMixin.basic_queue_test: target_order PriorityQueue = [111, 222, 333].
test('basic_queue_test: numbers come out smallest first', () => {
  assert.deepEqual(drain(filled([111, 333, 222])), [111, 222, 333]);
  assert.deepEqual(drain(filled([3, -1.5, 2, 2, 0])), [-1.5, 0, 2, 2, 3]);
});

// basic_queue_test with tuples, as Python orders them: element by element, a shorter prefix first, bool as int.
test('arrays compare element by element, like tuples: ties are broken by the next element', () => {
  const items = [[2, 'b'], [1, 'z'], [1, 'a'], [1], [1, 'a', 'x'], [0.5, 'q'], [true, 't'], [-1.5, 'n']];
  // python3: [(-1.5, 'n'), (0.5, 'q'), (1,), (1, 'a'), (1, 'a', 'x'), (True, 't'), (1, 'z'), (2, 'b')]
  assert.deepEqual(drain(filled(items)), [[-1.5, 'n'], [0.5, 'q'], [1], [1, 'a'], [1, 'a', 'x'], [true, 't'], [1, 'z'], [2, 'b']]);
  // Nested: [(1, (5,)), (2, (1,)), (2, (1, 'a')), (2, (1, 'x'))]
  assert.deepEqual(drain(filled([[2, [1, 'x']], [2, [1, 'a']], [1, [5]], [2, [1]]])), [[1, [5]], [2, [1]], [2, [1, 'a']], [2, [1, 'x']]]);
  // Equal items come out in the order they went in (Python's heap does not promise it; loom does): 1 == True in Python.
  assert.deepEqual(drain(filled([[true, 'x'], [1, 'x']])), [[true, 'x'], [1, 'x']]);
  assert.deepEqual(drain(filled([[1, 'x'], [true, 'x']])), [[1, 'x'], [true, 'x']]);
});

test('strings compare by code point, as Python does (JS < compares UTF-16 units)', () => {
  const words = ['b', 'a', '\uffff', '\u{10000}', 'ab', 'a\0', '', 'é'];
  // python3: sorted([...]) == ['', 'a', 'a\x00', 'ab', 'b', 'é', '\uffff', '\U00010000']
  assert.deepEqual(drain(filled(words)), ['', 'a', 'a\0', 'ab', 'b', 'é', '\uffff', '\u{10000}']);
  assert.equal('\uffff' < '\u{10000}', false, 'JS alone would put the astral character first');
  assert.deepEqual(drain(filled([['b', 1], ['a', 2], ['a', 1]])), [['a', 1], ['a', 2], ['b', 1]]);
});

// Python's int has no bound: 2**70 sorts after 1e20 and 2**53 + 1 after 2**53, exactly.
test('bigints compare with numbers and booleans by value, as Python ints do', () => {
  // python3: sorted([2**70, 1e20, 2**53 + 1, 2**53, -1, True]) == [-1, True, 2**53, 2**53 + 1, 1e20, 2**70]
  const out = drain(filled<number | bigint | boolean>([2n ** 70n, 1e20, 2n ** 53n + 1n, 2 ** 53, -1n, true]));
  assert.deepEqual(out, [-1n, true, 2 ** 53, 2n ** 53n + 1n, 1e20, 2n ** 70n]);
  assert.deepEqual(drain(filled([[1n, 'b'], [1, 'a']])), [[1, 'a'], [1n, 'b']], '1n == 1: the next element decides');
});

test('Uint8Arrays compare by bytes, as Python bytes do', () => {
  const out = drain(filled([Buffer.from('b'), Buffer.from('a'), Buffer.from('ab'), Buffer.alloc(0), Buffer.from([0xff])]));
  assert.deepEqual(out.map((b) => Buffer.from(b).toString('hex')), ['', '61', '6162', '62', 'ff']);
});

// Python: PriorityQueue().put mixing str and int raises TypeError: '<' not supported between instances of 'str' and 'int'
// (heappush; the item stays in Python's heap). loom refuses it and leaves the queue as it was.
test('an item Python cannot compare with a queued one throws TypeError and is not put', () => {
  const cases: [unknown, unknown, string][] = [
    [1, 'a', "'string' and 'number'"],
    ['a', 1, "'number' and 'string'"],
    [1, [1], "'array' and 'number'"],
    [[1, 'a'], [1, 2], "'number' and 'string'"],
    [[1, { a: 1 }], [1, { b: 2 }], "'Object' and 'Object'"],
    [null, null, "'null' and 'null'"],
    [{ a: 1 }, { a: 1 }, "'Object' and 'Object'"],
    [Buffer.from('a'), 'a', "'string' and 'Uint8Array'"],
  ];
  for (const [queued, refused, names] of cases) {
    const q = filled([queued]);
    assert.throws(
      () => q.putNowait(refused),
      (e: Error) => e instanceof ArgumentTypeError && e instanceof TypeError && e.message.startsWith(`'<' not supported between instances of ${names}`),
      `${JSON.stringify(refused)} after ${JSON.stringify(queued)}`,
    );
    assert.equal(q.qsize(), 1, 'the refused item is not in the queue');
    assert.deepEqual(q.getNowait(), queued);
    q.putNowait(refused); // alone, it is fine
    assert.equal(q.qsize(), 1);
  }
});

test('equal values inside arrays are equal, as with Python ==: [1, null] twice, equal objects at a tie', () => {
  // python3: [(0, {'a': 1}), (1, None), (1, None)]
  assert.deepEqual(drain(filled([[1, null], [1, null], [0, { a: 1 }]])), [[0, { a: 1 }], [1, null], [1, null]]);
  assert.deepEqual(drain(filled([[1, { a: 1 }], [1, { a: 1 }], [2, { b: 2 }]])), [[1, { a: 1 }], [1, { a: 1 }], [2, { b: 2 }]]);
  assert.deepEqual(drain(filled([[2, { id: 'x' }], [1, { id: 'y' }]])), [[1, { id: 'y' }], [2, { id: 'x' }]], 'objects are never compared when priorities differ');
  // A difference: Python finds {'a': 1} == {'a': 1} and orders (1, {'a': 1}, 'x') before (1, {'a': 1}, 'y'); loom
  // compares objects at a tie by the whole items' bytes only (no second serialization per put), so these do not compare.
  const q = filled<unknown[]>([[1, { a: 1 }, 'y']]);
  assert.throws(() => q.putNowait([1, { a: 1 }, 'x']), /'<' not supported between instances of 'Object' and 'Object'/);
});

// Python's heap compares a new item only along one path: it accepts (2, 5) after (1, 'a') and (2, 'b'), and a later get
// meets (2, 5) against (2, 'b') and raises, losing the item it was taking. loom checks every queued item at put.
test('a put is checked against every queued item, so a get never meets a pair it cannot order', () => {
  const q = filled<unknown[]>([[1, 'a'], [2, 'b']]);
  assert.throws(() => q.putNowait([2, 5]), /'<' not supported between instances of 'number' and 'string'/);
  q.putNowait([3, 5]);
  assert.deepEqual(drain(q), [[1, 'a'], [2, 'b'], [3, 5]]);
});

test('threads share the order: items put by two threads come out in Python order here', async () => {
  const q = new PriorityQueue<[string, number]>();
  const put = (q: PriorityQueue<[string, number]>, prefix: string) => {
    for (let i = 0; i < 200; i++) q.putSync([`${prefix}${String(i).padStart(3, '0')}`, i]);
    let refused = '';
    try {
      q.putSync([1, 1] as never);
    } catch (e) {
      refused = (e as Error).name;
    }
    if (refused !== 'ArgumentTypeError') throw new Error(`a number among strings was not refused: ${refused}`);
  };
  const threads = ['b', 'a'].map((prefix) => new Thread({ target: put, args: [q, prefix] }));
  threads.forEach((t) => t.start());
  for (const t of threads) await t.join();
  const out = drain(q).map(([word]) => word);
  assert.equal(out.length, 400);
  assert.deepEqual(out, [...out].sort());
  assert.equal(out[0], 'a000');
  assert.equal(out[399], 'b199');
});

// Priorities mostly grow with time, so the oldest entries leave first and the ring wraps; an entry left behind holds its
// bytes until the ends pass it (the ring's design: a low priority that stays while much passes can fill it).
test('a small ring that wraps keeps the order and every item, against a sorted list', () => {
  const q = new PriorityQueue<[number, string]>({ byteCapacity: 2048 });
  const h = new Int32Array((q[SHARE]().data as { buffer: SharedArrayBuffer }).buffer, 0, H.CELLS);
  const model: [number, string][] = [];
  const byPython = (a: [number, string], b: [number, string]) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  let wraps = 0;
  for (let round = 0; round < 3000; round++) {
    for (let i = 0; i < 3 && model.length < 8; i++) {
      const item: [number, string] = [Math.floor(round / 2) + (next() % 2), 'x'.repeat(next() % 20) + String(next() % 3)];
      q.putNowait(item);
      model.push(item);
    }
    if (h[H.WRAP_AT] >= 0) wraps++;
    model.sort(byPython); // stable: equal items keep their order, as loom's do
    for (let i = 0; i < 2 && model.length > 0; i++) assert.deepEqual(q.getNowait(), model.shift(), `round ${round}`);
  }
  assert.equal(q.qsize(), model.length);
  assert.ok(wraps > 100, `the ring wrapped in ${wraps} rounds`);
});
