/**
 * multiprocessing.Manager(): dict, list and Namespace proxies from the
 * creating thread, from Threads and ThreadPool tasks, and from child
 * processes; shutdown and disposal. Each test names the CPython test
 * (Lib/test/_test_multiprocessing.py, 3.11) or behaviour it mirrors; the
 * error wording was checked against python3 3.11.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { test } from 'node:test';
import {
  ArgumentTypeError, ArgumentValueError, IndexError, KeyError, Lock, Manager, ManagerStateError, multiprocessing, NotShippableError, Process,
  ProcessPoolExecutor, SyncManager, Thread, ThreadPool, whenWorkersExited, liveWorkerCount,
} from '../../src/index.js';
import { assertNothingLeftAtEnd } from './helpers.js';

assertNothingLeftAtEnd();

type DictProxy<K extends multiprocessing.DictKey = multiprocessing.DictKey, V = unknown> = multiprocessing.DictProxy<K, V>;
type ListProxy<T = unknown> = multiprocessing.ListProxy<T>;

test('dict proxy: Map-like and Python names (_TestContainers.test_dict, test_dict_iter; TestSyncManagerTypes.test_dict)', () => {
  using m = Manager();
  const d = m.dict<number, string>();
  const indices = [65, 66, 67, 68, 69];
  for (const i of indices) d.set(i, String.fromCharCode(i));
  assert.deepEqual(d.copy(), new Map(indices.map((i) => [i, String.fromCharCode(i)])));
  assert.deepEqual(d.keys(), indices);
  assert.deepEqual(d.values(), ['A', 'B', 'C', 'D', 'E']);
  assert.deepEqual(d.items()[0], [65, 'A']);
  assert.deepEqual([...d].map(([k]) => k), indices);
  assert.equal(d.size, 5);
  assert.equal(d.len(), 5);
  assert.equal(d.has(65), true);
  assert.equal(d.get(70), undefined);
  assert.equal(d.get(70, 'none'), 'none');
  assert.equal(d.setdefault(70, 'F'), 'F');
  assert.equal(d.setdefault(70, 'G'), 'F');
  assert.equal(d.pop(70), 'F');
  assert.equal(d.pop(70, 'gone'), 'gone');
  // Python: d.pop('zz') -> KeyError('zz'); d.popitem() on {} -> KeyError('popitem(): dictionary is empty').
  assert.throws(() => d.pop(70), (error: Error) => error instanceof KeyError && error.message === '70');
  assert.deepEqual(d.popitem(), [69, 'E']);
  assert.equal(d.delete(68), true);
  assert.equal(d.delete(68), false);
  d.update([[1, 'one']]);
  d.update(new Map([[2, 'two']]));
  assert.deepEqual(d.keys(), [65, 66, 67, 1, 2]);
  d.clear();
  assert.equal(d.size, 0);
  assert.throws(() => d.popitem(), (error: Error) => error instanceof KeyError && error.message === 'popitem(): dictionary is empty');
  const named = m.dict({ a: 1, b: 2 });
  assert.throws(() => named.pop('zz'), (error: Error) => error instanceof KeyError && error.message === "'zz'");
  // Tuples are hashable in Python: arrays of primitives are keys by value; a list is not (TypeError: unhashable type: 'list').
  const tuples = m.dict<multiprocessing.DictKey, number>();
  tuples.set([1, 2], 3);
  assert.equal(tuples.get([1, 2]), 3);
  assert.throws(() => tuples.set({ a: 1 } as never, 1), (error: Error) => error instanceof ArgumentTypeError && /unhashable type: 'Object'/.test(error.message));
});

test('list proxy: get/set with negative indexes and Python\'s methods and errors (_TestContainers.test_list, test_list_iter; TestSyncManagerTypes.test_list)', () => {
  using m = Manager();
  const a = m.list(Array.from({ length: 10 }, (_, i) => i));
  assert.deepEqual(a.copy(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const b = m.list<number | string>();
  assert.deepEqual(b.copy(), []);
  b.extend([0, 1, 2, 3, 4]);
  assert.equal(b.get(2), 2);
  assert.equal(b.get(-1), 4);
  assert.deepEqual(b.slice(2, 10), [2, 3, 4]);
  b.set(-1, 44);
  assert.equal(b.get(4), 44);
  assert.equal(b.push(5, 6), 7);
  b.append('x');
  assert.equal(b.length, 8);
  assert.equal(b.len(), 8);
  assert.equal(b.pop(), 'x');
  assert.equal(b.pop(0), 0);
  b.insert(0, 'first');
  b.insert(-1, 'before last');
  b.insert(100, 'end');
  assert.deepEqual(b.copy(), ['first', 1, 2, 3, 44, 5, 'before last', 6, 'end']);
  assert.equal(b.index(44), 4);
  assert.equal(b.count(44), 1);
  assert.equal(b.includes('end'), true);
  b.remove('end');
  assert.equal(b.includes('end'), false);
  // CPython 3.11's own wording for each.
  assert.throws(() => b.get(99), (error: Error) => error instanceof IndexError && error.message === 'list index out of range');
  assert.throws(() => b.set(99, 0), (error: Error) => error instanceof IndexError && error.message === 'list assignment index out of range');
  assert.throws(() => b.pop(99), (error: Error) => error instanceof IndexError && error.message === 'pop index out of range');
  assert.throws(() => m.list().pop(), (error: Error) => error instanceof IndexError && error.message === 'pop from empty list');
  assert.throws(() => b.remove('nope'), (error: Error) => error instanceof ArgumentValueError && error.message === 'list.remove(x): x not in list');
  assert.throws(() => b.index(9), (error: Error) => error instanceof ArgumentValueError && error.message === '9 is not in list');
  assert.throws(() => b.get(1.5), ArgumentTypeError);
  // Iteration takes a snapshot; a change afterwards shows in the next one (test_list_iter).
  const snapshot = [...a];
  a.set(0, 100);
  assert.equal(snapshot[0], 0);
  assert.equal([...a][0], 100);
  // sort and reverse in place with Python's order (TestSyncManagerTypes._test_list).
  const s = m.list<number | string>([3, 1, 2]);
  s.sort();
  assert.deepEqual(s.copy(), [1, 2, 3]);
  s.sort({ reverse: true });
  assert.deepEqual(s.copy(), [3, 2, 1]);
  s.reverse();
  assert.deepEqual(s.copy(), [1, 2, 3]);
  s.append('a');
  assert.throws(() => s.sort(), ArgumentTypeError);
  assert.deepEqual(s.copy(), [1, 2, 3, 'a']);
  // Items compare by value (Python's ==), objects included.
  const objects = m.list([{ a: 1 }, [1, 2]]);
  assert.equal(objects.index([1, 2]), 1);
  assert.equal(objects.count({ a: 1 }), 1);
});

test('Namespace: attributes as properties (_TestContainers.test_namespace, TestSyncManagerTypes.test_namespace)', () => {
  using m = Manager();
  const n = m.Namespace<{ name?: string; job?: string; list?: number[] }>();
  n.name = 'Bob';
  n.job = 'Builder';
  assert.deepEqual([n.name, n.job], ['Bob', 'Builder']);
  delete n.job;
  assert.equal('name' in n, true);
  assert.equal('job' in n, false);
  assert.equal(n.job, undefined);
  assert.deepEqual(Object.keys(n), ['name']);
  assert.deepEqual({ ...n }, { name: 'Bob' });
  assert.equal(JSON.stringify(n), '{"name":"Bob"}');
  // Python's str(n) is "Namespace(name='Bob')".
  assert.match(inspect(n), /^Namespace \{ name: 'Bob' \}$/);
  // A mutated nested object is not written back, as Python's documentation says of proxies; set it again.
  n.list = [1];
  n.list.push(2);
  assert.deepEqual(n.list, [1]);
  n.list = [...n.list, 2];
  assert.deepEqual(n.list, [1, 2]);
  const initial = m.Namespace({ x: 0, y: 1 });
  assert.deepEqual([initial.x, initial.y], [0, 1]);
});

test('values are copied: a change to what get() returned is not written back (managers documentation)', () => {
  using m = Manager();
  const d = m.dict<string, number[]>({ list: [1] });
  d.get('list')!.push(2);
  assert.deepEqual(d.get('list'), [1]);
  const l = m.list([{ n: 1 }]);
  (l.get(0) as { n: number }).n = 2;
  assert.deepEqual(l.get(0), { n: 1 });
  assert.throws(() => d.set('f', (() => 1) as never), /copied \(v8 serialization\)/);
});

test('threads of the creating process share the proxies; a Lock from the manager makes read-modify-write exact (TestSyncManagerTypes.run_worker)', async () => {
  using m = Manager();
  const d = m.dict<string, number>({ n: 0 });
  const l = m.list<number>();
  const ns = m.Namespace<{ seen?: number }>();
  const lock = m.Lock();
  assert.ok(lock instanceof Lock);
  const threads = [1, 2, 3, 4].map((k) => new Thread({
    target: (d: DictProxy<string, number>, l: ListProxy<number>, ns: { seen?: number }, lock: Lock, k: number) => {
      for (let i = 0; i < 1000; i++) {
        using _ = lock.holdSync();
        d.set('n', d.get('n')! + 1);
      }
      l.append(k);
      ns.seen = k;
    },
    args: [d, l, ns, lock, k],
  }));
  for (const t of threads) t.start();
  for (const t of threads) await t.join();
  assert.equal(d.get('n'), 4000);
  assert.deepEqual(l.copy().sort(), [1, 2, 3, 4]);
  assert.ok([1, 2, 3, 4].includes(ns.seen!));
});

test('a manager passed to a thread makes objects there; errors raised in the manager reach a thread with their class', async () => {
  using m = Manager();
  const results = m.list<string>();
  const t = new Thread({
    target: (m: SyncManager, results: ListProxy<string>) => {
      const d = m.dict({ made: 'in a thread' });
      results.append(d.get('made') as string);
      try {
        d.pop('missing');
      } catch (error) {
        results.append(`${(error as Error).name}: ${(error as Error).message}`);
      }
    },
    args: [m, results],
  });
  t.start();
  await t.join();
  assert.deepEqual(results.copy(), ['in a thread', "KeyError: 'missing'"]);
});

test('a dict proxy in ThreadPool tasks', async () => {
  using m = Manager();
  const d = m.dict<number, number>();
  await using pool = new ThreadPool(2);
  const squares = await pool.starmap((x: number, d: DictProxy<number, number>) => { d.set(x, x * x); return d.get(x); }, [1, 2, 3, 4, 5, 6, 7, 8].map((x) => [x, d]));
  assert.deepEqual(squares, [1, 4, 9, 16, 25, 36, 49, 64]);
  assert.equal(d.size, 8);
});

test('values larger than the queues\' rings travel both ways (in parts), from a thread and a child process too', async () => {
  using m = Manager();
  const d = m.dict<string, string>();
  const big = 'x'.repeat(3 << 20);
  d.set('big', big);
  assert.equal(d.get('big'), big);
  const t = new Thread({
    target: (d: DictProxy<string, string>) => {
      const got = d.get('big')!;
      d.set('back', `${got.length}:${got.slice(0, 3)}`);
      d.set('bigger', 'y'.repeat(5 << 20));
    },
    args: [d],
  });
  t.start();
  await t.join();
  assert.equal(d.get('back'), `${3 << 20}:xxx`);
  assert.equal(d.get('bigger')!.length, 5 << 20);
  // From a child: through its hub, whose copy of the proxy reads the manager's reply in parts too.
  const p = new Process({
    target: (d: DictProxy<string, string>) => {
      d.set('from child', `${d.get('big')!.length}`);
      d.set('child big', 'z'.repeat(4 << 20));
    },
    args: [d],
  });
  p.start();
  await p.join();
  assert.equal(p.exitCode, 0);
  assert.equal(d.get('from child'), `${3 << 20}`);
  assert.equal(d.get('child big')!.length, 4 << 20);
});

test('after shutdown, proxies and factories throw ManagerStateError; a second shutdown does nothing (Python: BrokenPipeError, AssertionError)', async () => {
  const m = Manager();
  const d = m.dict({ a: 1 });
  const l = m.list([1]);
  const ns = m.Namespace({ x: 1 });
  await m.shutdown();
  await m.shutdown();
  m.shutdownSync();
  assert.throws(() => d.get('a'), (error: Error) => error instanceof ManagerStateError && /shut down/.test(error.message));
  assert.throws(() => l.get(0), ManagerStateError);
  assert.throws(() => ns.x, ManagerStateError);
  // Printing a proxy never throws: Python's repr(proxy) needs no server either.
  assert.equal(inspect(d), 'DictProxy <manager not running>');
  assert.equal(inspect(ns), 'Namespace <manager not running>');
  assert.throws(() => m.dict(), ManagerStateError);
  assert.throws(() => m.Lock(), ManagerStateError);
  assert.throws(() => new SyncManager().dict(), (error: Error) => error instanceof ManagerStateError && /not started/.test(error.message));
  const started = new SyncManager().start();
  assert.throws(() => started.start(), ManagerStateError);
  await started.shutdown();
});

test('`using` stops the manager\'s thread; `await using` waits for it to exit', async () => {
  // Workers of earlier tests (a hub lingers 250 ms after its last use) must not come and go while we count.
  assert.equal(await whenWorkersExited(5000), 0);
  const before = liveWorkerCount();
  {
    await using m = Manager();
    m.dict().set('a', 1);
    assert.equal(liveWorkerCount(), before + 1);
  }
  assert.equal(liveWorkerCount(), before);
  let proxy: DictProxy | undefined;
  {
    using m = Manager();
    proxy = m.dict();
  }
  assert.throws(() => proxy!.size, ManagerStateError);
  assert.equal(await whenWorkersExited(5000), 0);
});

test('a Manager never shut down does not keep a script from exiting (Python shuts its manager down at exit)', () => {
  const loom = join(__dirname, '..', '..', 'src', 'index.js');
  const script = `const { Manager } = require(${JSON.stringify(loom)}); const d = Manager().dict(); d.set('a', 1); console.log(d.get('a'));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), '1');
});

test('the other factories give loom\'s own process-capable objects (Python gives proxies)', () => {
  using m = Manager();
  const v = m.Value('i', 3);
  assert.ok(v instanceof multiprocessing.Value);
  assert.equal(v.value, 3);
  const a = m.Array('i', [0, 1]);
  assert.deepEqual([...a], [0, 1]);
  const q = m.Queue<number>();
  q.putSync(1);
  assert.equal(q.getSync(), 1);
  assert.ok(m.JoinableQueue() instanceof multiprocessing.JoinableQueue);
  assert.equal(m.Semaphore(2).acquireSync(), true);
  assert.equal(m.Event().isSet(), false);
  assert.equal(m.Barrier(2).parties, 2);
  assert.ok(m.RLock().acquireSync());
  assert.ok(m.Condition());
  assert.ok(m.BoundedSemaphore());
});

test('four child processes each increment d.get(\'n\') 10,000 times under m.Lock(): exactly 40000 (issue 19)', async () => {
  using m = Manager();
  const d = m.dict<string, number>({ n: 0 });
  const lock = m.Lock();
  const processes = [0, 1, 2, 3].map(() => new Process({
    target: (d: DictProxy<string, number>, lock: Lock) => {
      for (let i = 0; i < 10_000; i++) {
        using _ = lock.holdSync();
        d.set('n', d.get('n')! + 1);
      }
    },
    args: [d, lock],
  }));
  for (const p of processes) p.start();
  for (const p of processes) await p.join();
  assert.equal(d.get('n'), 40_000);
});

test('a dict proxy used in Pool tasks (TestSyncManagerTypes.test_dict, through a process)', async () => {
  using m = Manager();
  const d = m.dict<number, number>();
  await using pool = new multiprocessing.Pool(2);
  const got = await pool.starmap((x: number, d: DictProxy<number, number>) => { d.set(x, x * x); return d.size > 0; }, [1, 2, 3, 4].map((x) => [x, d]));
  assert.deepEqual(got, [true, true, true, true]);
  assert.deepEqual(d.keys().sort(), [1, 2, 3, 4]);
});

test('a child process uses a list and a Namespace, and gets the manager\'s errors with their class (TestSyncManagerTypes.test_list, test_namespace)', async () => {
  using m = Manager();
  const l = m.list<number>([5]);
  const ns = m.Namespace<{ x: number; y: number; z?: string }>({ x: 0, y: 1 });
  const results = m.dict<string, unknown>();
  const p = new Process({
    target: (l: ListProxy<number>, ns: { x: number; y: number; z?: string }, results: DictProxy<string, unknown>) => {
      results.set('first', [l.get(0), l.count(5), l.index(5), l.len()]);
      l.sort();
      l.reverse();
      results.set('popped', l.pop(0));
      results.set('ns', [ns.x, ns.y]);
      ns.z = 'from the child';
      try {
        l.pop();
      } catch (error) {
        results.set('error', [(error as Error).name, (error as Error).message, (error as { code?: string }).code]);
      }
    },
    args: [l, ns, results],
  });
  p.start();
  await p.join();
  assert.equal(p.exitCode, 0);
  assert.deepEqual(results.get('first'), [5, 1, 0, 1]);
  assert.equal(results.get('popped'), 5);
  assert.equal(l.len(), 0);
  assert.deepEqual(results.get('ns'), [0, 1]);
  assert.equal(ns.z, 'from the child');
  assert.deepEqual(results.get('error'), ['IndexError', 'pop from empty list', 'ERR_LOOM_INDEX']);
});

test('ProcessPoolExecutor tasks share a dict proxy', async () => {
  using m = Manager();
  const d = m.dict<number, number>();
  await using executor = new ProcessPoolExecutor({ maxWorkers: 2 });
  const futures = [1, 2, 3, 4].map((x) => executor.submit((x: number, d: DictProxy<number, number>) => { d.set(x, -x); return d.size; }, x, d));
  for (const future of futures) assert.ok((await future.result()) >= 1);
  assert.deepEqual(d.items().sort(([a], [b]) => a - b), [[1, -1], [2, -2], [3, -3], [4, -4]]);
});

test('a proxy passed on: from the creating thread to a Thread, which starts a Process with it', async () => {
  using m = Manager();
  const d = m.dict<string, string>();
  const t = new Thread({
    target: async (d: DictProxy<string, string>) => {
      d.set('thread', 'yes');
      const p = new Process({ target: (d: DictProxy<string, string>) => { d.set('grandchild of the manager', d.get('thread')!); }, args: [d] });
      p.start();
      await p.join();
    },
    args: [d],
  });
  t.start();
  await t.join();
  assert.deepEqual(d.items(), [['thread', 'yes'], ['grandchild of the manager', 'yes']]);
});

test('a child using a proxy after shutdown gets ManagerStateError', async () => {
  const m = Manager();
  const d = m.dict<string, number>({ a: 1 });
  const go = new multiprocessing.Queue<string>();
  const out = new multiprocessing.Queue<string>();
  const p = new Process({
    target: (d: DictProxy<string, number>, go: multiprocessing.Queue<string>, out: multiprocessing.Queue<string>) => {
      out.putSync(String(d.get('a')));
      go.getSync();
      try {
        d.get('a');
        out.putSync('no error');
      } catch (error) {
        out.putSync(`${(error as Error).name}`);
      }
    },
    args: [d, go, out],
  });
  p.start();
  assert.equal(await out.get(), '1');
  await m.shutdown();
  go.putSync('go');
  assert.equal(await out.get(), 'ManagerStateError');
  await p.join();
});

test('shared objects and other proxies inside a stored value are refused, not stored as {} (Python nests proxies: test_dict_proxy_nested)', () => {
  using m = Manager();
  const d = m.dict();
  const inner = m.dict();
  assert.throws(() => d.set('inner', inner), (error: Error) => error instanceof NotShippableError && /DictProxy/.test(error.message));
  assert.throws(() => m.list([m.Lock()]), (error: Error) => error instanceof NotShippableError && /Lock/.test(error.message));
  assert.throws(() => d.set('q', { q: m.Queue() }), NotShippableError);
  assert.equal(d.size, 0);
});

test('m.Value, m.Array and m.Event from a child process: loom\'s own served objects (TestSyncManagerTypes.test_value, test_array, test_event)', async () => {
  using m = Manager();
  const v = m.Value('i', 1);
  const a = m.Array('i', [0, 1]);
  const e = m.Event();
  const seen = m.list<unknown>();
  const p = new Process({
    target: (v: multiprocessing.Value, a: multiprocessing.SharedArray, e: multiprocessing.Event, seen: ListProxy<unknown>) => {
      seen.append(v.value);
      v.value = 2;
      seen.append([...a.slice(), a.length]);
      e.set();
    },
    args: [v, a, e, seen],
  });
  p.start();
  assert.equal(await e.wait(30), true);
  await p.join();
  assert.equal(p.exitCode, 0);
  assert.equal(v.value, 2);
  assert.deepEqual(seen.copy(), [1, [0, 1, 2]]);
});
