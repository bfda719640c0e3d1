/**
 * multiprocessing's synchronisation primitives across processes (issue 19,
 * "Processes that share state"): the same Lock, RLock, Semaphore, Condition,
 * Event and Barrier as threading's, passed to child processes, which reach
 * them through their parent's hub. Each test names the CPython test of
 * Lib/test/_test_multiprocessing.py it mirrors; the children report what
 * they saw on a multiprocessing Queue, and the tests synchronise with Queues
 * and Events, never with sleeps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokenBarrierError, multiprocessing, Process, Thread } from '../../src/index.js';
import { assertNothingLeftAtEnd } from './helpers.js';

const { Barrier, BoundedSemaphore, Condition, Event, Lock, Queue, RLock, Semaphore } = multiprocessing;

/** Runs `target(...args)` in a child process; returns it started (join it). */
function child(target: (...args: never[]) => unknown, ...args: unknown[]): Process {
  const p = new Process({ target: target as (...args: unknown[]) => unknown, args });
  p.start();
  return p;
}

assertNothingLeftAtEnd();

test('_TestLock.test_lock in a child: acquire, non-blocking acquire of a held lock, release, release of an unlocked lock raises', async () => {
  const lock = new Lock();
  const results = new Queue<unknown>();
  const p = new Process({
    target: (lock: multiprocessing.Lock, results: multiprocessing.Queue<unknown>) => {
      const seen: unknown[] = [lock.acquireSync(), lock.acquireSync({ blocking: false }), lock.locked()];
      lock.release();
      seen.push(lock.locked());
      try {
        lock.release();
      } catch (error) {
        seen.push((error as Error).name, (error as Error).message);
      }
      results.putSync(seen);
    },
    args: [lock, results],
  });
  p.start();
  assert.deepEqual(await results.get(), [true, false, true, false, 'LockNotHeldError', 'release unlocked lock']);
  await p.join();
  assert.equal(lock.locked(), false);
});

test('a Lock held by a child blocks the parent (acquire times out) until the child releases it, and back', async () => {
  const lock = new Lock();
  const fromChild = new Queue<string>();
  const toChild = new Queue<string>();
  const p = new Process({
    target: async (lock: multiprocessing.Lock, fromChild: multiprocessing.Queue<string>, toChild: multiprocessing.Queue<string>) => {
      await lock.acquire();
      fromChild.putSync('held');
      toChild.getSync();
      lock.release();
      fromChild.putSync('released');
      // Now the parent holds it: this child waits, and gets it when the parent lets go.
      toChild.getSync();
      fromChild.putSync(String(lock.acquireSync({ timeout: 0.05 })));
      fromChild.putSync(String(lock.acquireSync({ timeout: 30 })));
      lock.release();
    },
    args: [lock, fromChild, toChild],
  });
  p.start();
  assert.equal(await fromChild.get(), 'held');
  assert.equal(lock.locked(), true);
  assert.equal(lock.acquireSync({ timeout: 0.05 }), false);
  assert.equal(await lock.acquire({ blocking: false }), false);
  await toChild.put('go');
  assert.equal(await fromChild.get(), 'released');
  assert.equal(lock.acquireSync({ timeout: 30 }), true);
  await toChild.put('go');
  assert.equal(await fromChild.get(), 'false');
  lock.release();
  assert.equal(await fromChild.get(), 'true');
  await p.join();
  assert.equal(lock.acquireSync({ timeout: 30 }), true);
  lock.release();
});

test('a lock from another process goes no further: a grandchild is refused it with NotShippableError', async () => {
  const lock = new Lock();
  const results = new Queue<string>();
  const p = new Process({
    target: (lock: multiprocessing.Lock, results: multiprocessing.Queue<string>) => {
      try {
        new Process({ target: (l: unknown) => l, args: [lock] }).start();
        results.putSync('started');
      } catch (error) {
        results.putSync(`${(error as Error).name}: ${(error as Error).message}`);
      }
    },
    args: [lock, results],
  });
  p.start();
  assert.match(await results.get(), /^NotShippableError: this Lock came from another process; it reaches the processes that process starts/);
  await p.join();
});

test('a Lock in Pool tasks and initargs, and in ProcessPoolExecutor calls: every task of every worker sees the one lock', async () => {
  const { Pool } = await import('../../src/index.js');
  const { ProcessPoolExecutor } = await import('../../src/futures/index.js');
  const lock = new Lock();
  lock.acquireSync();
  // Initargs: each worker keeps the lock in a global; its task tries it while the parent holds it.
  {
    await using pool = new Pool({ processes: 2, initializer: (l: multiprocessing.Lock) => { (globalThis as Record<string, unknown>).heldLock = l; }, initargs: [lock] });
    const tried = await pool.map(() => ((globalThis as Record<string, unknown>).heldLock as multiprocessing.Lock).acquireSync({ blocking: false }), [1, 2, 3, 4]);
    assert.deepEqual(tried, [false, false, false, false]);
  }
  lock.release();
  // Task arguments: a task acquires it and gives it back; the parent sees it free afterwards.
  {
    await using executor = new ProcessPoolExecutor({ maxWorkers: 2 });
    const results = await Promise.all([1, 2, 3].map((i) => executor.submit((l: multiprocessing.Lock, i: number) => {
      const got = l.acquireSync({ timeout: 30 });
      l.release();
      return [got, i];
    }, lock, i).result()));
    assert.deepEqual(results, [[true, 1], [true, 2], [true, 3]]);
  }
  assert.equal(lock.locked(), false);
});

test('a child that dies holding a Lock leaves it locked, as Python does; one that dies waiting for it takes nothing', async () => {
  const lock = new Lock();
  const fromChild = new Queue<string>();
  const holder = new Process({
    target: (lock: multiprocessing.Lock, fromChild: multiprocessing.Queue<string>) => {
      lock.acquireSync();
      fromChild.putSync('held');
      process.exit(3);
    },
    args: [lock, fromChild],
  });
  holder.start();
  assert.equal(await fromChild.get(), 'held');
  await holder.join();
  assert.equal(holder.exitCode, 3);
  assert.equal(lock.acquireSync({ timeout: 0.05 }), false);
  // The parent holds it now, in effect: a Lock may be released by anyone.
  const waiter = new Process({
    target: (lock: multiprocessing.Lock, fromChild: multiprocessing.Queue<string>) => {
      fromChild.putSync('waiting');
      lock.acquireSync();
      fromChild.putSync('acquired (wrong)');
    },
    args: [lock, fromChild],
  });
  waiter.start();
  assert.equal(await fromChild.get(), 'waiting');
  waiter.kill();
  await waiter.join();
  lock.release();
  assert.equal(lock.acquireSync({ timeout: 30 }), true);
  assert.equal(fromChild.empty(), true);
  lock.release();
});

test('_TestLock.test_rlock in a child: recursion, the parent blocked meanwhile; a release by a process that does not own it raises', async () => {
  const rlock = new RLock();
  const fromChild = new Queue<unknown>();
  const toChild = new Queue<string>();
  const p = child((rlock: multiprocessing.RLock, fromChild: multiprocessing.Queue<unknown>, toChild: multiprocessing.Queue<string>) => {
    const name = (f: () => unknown): unknown => {
      try {
        return f();
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    };
    fromChild.putSync([rlock.acquireSync(), rlock.acquireSync(), rlock.acquireSync()]);
    toChild.getSync();
    rlock.release();
    rlock.release();
    rlock.release();
    fromChild.putSync(name(() => rlock.release()));
    // Now the parent owns it: this process may not release it (Python: AssertionError; loom: LockNotHeldError).
    toChild.getSync();
    fromChild.putSync([name(() => rlock.release()), rlock.acquireSync({ blocking: false }), rlock.locked()]);
  }, rlock, fromChild, toChild);
  assert.deepEqual(await fromChild.get(), [true, true, true]);
  assert.equal(rlock.acquireSync({ timeout: 0.05 }), false);
  assert.match(String(rlock), /^<RLock owned by process \d+, depth 3>$/);
  await toChild.put('release');
  assert.equal(await fromChild.get(), 'LockNotHeldError: cannot release un-acquired lock');
  assert.equal(rlock.acquireSync({ timeout: 30 }), true);
  await toChild.put('try');
  assert.deepEqual(await fromChild.get(), ['LockNotHeldError: cannot release un-acquired lock', false, true]);
  rlock.release();
  await p.join();
});

test('_TestSemaphore.test_semaphore and test_bounded_semaphore in a child: counts, a non-blocking acquire, over-release raises', async () => {
  const sem = new Semaphore(2);
  const bounded = new BoundedSemaphore(1);
  const results = new Queue<unknown>();
  const p = child((sem: multiprocessing.Semaphore, bounded: multiprocessing.BoundedSemaphore, results: multiprocessing.Queue<unknown>) => {
    const seen: unknown[] = [sem.acquireSync(), String(sem), sem.acquireSync(), String(sem), sem.acquireSync({ blocking: false }), sem.acquireSync({ timeout: 0.01 })];
    sem.release();
    sem.release(1);
    seen.push(String(sem));
    try {
      bounded.release();
    } catch (error) {
      seen.push((error as Error).name);
    }
    results.putSync(seen);
  }, sem, bounded, results);
  assert.deepEqual(await results.get(), [true, '<Semaphore value=1>', true, '<Semaphore value=0>', false, false, '<Semaphore value=2>', 'SemaphoreOverreleasedError']);
  await p.join();
});

test('a Semaphore bounds three children: two get in, the parent and the third wait until one leaves', async () => {
  const sem = new Semaphore(2);
  const leave = new Event();
  const entered = new Queue<number>();
  const children = [1, 2, 3].map((i) => child((sem: multiprocessing.Semaphore, leave: multiprocessing.Event, entered: multiprocessing.Queue<number>, i: number) => {
    sem.acquireSync();
    entered.putSync(i);
    leave.waitSync();
    sem.release();
  }, sem, leave, entered, i));
  const first = [await entered.get(), await entered.get()];
  // Two are in: no unit is left for anyone (the third child is waiting for one).
  assert.equal(sem.acquireSync({ blocking: false }), false);
  leave.set();
  const third = await entered.get();
  assert.deepEqual([...first, third].sort(), [1, 2, 3]);
  for (const p of children) await p.join();
  assert.equal(String(sem), '<Semaphore value=2>');
});

test('_TestEvent.test_event: a set in a child wakes the parent, a set in the parent wakes a child; clear and isSet', async () => {
  const ready = new Event();
  const go = new Event();
  const results = new Queue<unknown>();
  const p = child((ready: multiprocessing.Event, go: multiprocessing.Event, results: multiprocessing.Queue<unknown>) => {
    const before = [go.isSet(), go.waitSync(0)];
    ready.set();
    const woken = go.waitSync(30);
    go.clear();
    results.putSync([...before, woken, go.isSet()]);
  }, ready, go, results);
  assert.equal(await ready.wait(30), true);
  assert.equal(ready.isSet(), true);
  go.set();
  assert.deepEqual(await results.get(), [false, false, true, false]);
  await p.join();
  assert.equal(go.isSet(), false);
});

test('_TestCondition.test_notify: a child waits, the parent notifies; waiting or notifying without the lock raises in the child', async () => {
  const cond = new Condition();
  const fromChild = new Queue<unknown>();
  const p = child((cond: multiprocessing.Condition, fromChild: multiprocessing.Queue<unknown>) => {
    const name = (f: () => unknown): unknown => {
      try {
        return f();
      } catch (error) {
        return (error as Error).name;
      }
    };
    const errors = [name(() => cond.waitSync(0.01)), name(() => cond.notify())];
    cond.acquireSync();
    // Said with the lock held: the parent can only take it once this child waits (and so lets it go).
    fromChild.putSync('waiting');
    const woken = cond.waitSync(30);
    cond.release();
    fromChild.putSync([...errors, woken]);
  }, cond, fromChild);
  assert.equal(await fromChild.get(), 'waiting');
  {
    using _ = await cond.hold();
    cond.notify();
  }
  assert.deepEqual(await fromChild.get(), ['LockNotHeldError', 'LockNotHeldError', true]);
  await p.join();
});

test('_TestCondition.test_notify_all: two children wait on a Condition over a Lock; one notifyAll wakes both', async () => {
  const cond = new Condition(new Lock());
  const fromChild = new Queue<string>();
  const children = [1, 2].map((i) => child(async (cond: multiprocessing.Condition, fromChild: multiprocessing.Queue<string>, i: number) => {
    using _ = await cond.hold();
    fromChild.putSync('waiting');
    fromChild.putSync(`${i} ${await cond.wait(30)}`);
  }, cond, fromChild, i));
  assert.equal(await fromChild.get(), 'waiting');
  assert.equal(await fromChild.get(), 'waiting');
  // Each said it with the lock held, then waited: once the lock is ours, both are waiting.
  await cond.acquire();
  cond.notifyAll();
  cond.release();
  assert.deepEqual([await fromChild.get(), await fromChild.get()].sort(), ['1 true', '2 true']);
  for (const p of children) await p.join();
});

test('_TestBarrier.test_barrier: the parent and three children meet; each gets a different index; abort breaks a child\'s wait', async () => {
  const barrier = new Barrier(4);
  const indices = new Queue<number>();
  const children = [1, 2, 3].map(() => child((barrier: multiprocessing.Barrier, indices: multiprocessing.Queue<number>) => {
    indices.putSync(barrier.waitSync(30));
  }, barrier, indices));
  const mine = await barrier.wait(30);
  const theirs = [await indices.get(), await indices.get(), await indices.get()];
  assert.deepEqual([mine, ...theirs].sort(), [0, 1, 2, 3]);
  for (const p of children) await p.join();

  const broken = new Barrier(2);
  const outcome = new Queue<string>();
  const p = child((broken: multiprocessing.Barrier, outcome: multiprocessing.Queue<string>) => {
    outcome.putSync(String(broken.parties));
    try {
      broken.waitSync(30);
      outcome.putSync('passed');
    } catch (error) {
      outcome.putSync(`${(error as Error).name} ${broken.broken}`);
    }
  }, broken, outcome);
  assert.equal(await outcome.get(), '2');
  broken.abort();
  assert.equal(await outcome.get(), 'BrokenBarrierError true');
  await p.join();
  await assert.rejects(broken.wait(1), BrokenBarrierError);
});

test('_TestCondition.test_waitfor and test_waitfor_timeout: a child\'s waitFor runs its predicate in the child, over a Value the parent changes', async () => {
  const cond = new Condition();
  const state = new multiprocessing.Value('i', 0);
  const fromChild = new Queue<unknown>();
  const p = child((cond: multiprocessing.Condition, state: multiprocessing.Value, fromChild: multiprocessing.Queue<unknown>) => {
    cond.acquireSync();
    const timedOut = cond.waitForSync(() => state.value === -1, 0.05);
    fromChild.putSync('waiting');
    const result = cond.waitForSync(() => state.value === 4, 30);
    const seen = state.value;
    cond.release();
    fromChild.putSync([timedOut, result, seen]);
  }, cond, state, fromChild);
  assert.equal(await fromChild.get(), 'waiting');
  for (let i = 0; i < 4; i++) {
    using _ = await cond.hold();
    state.value += 1;
    cond.notify();
  }
  assert.deepEqual(await fromChild.get(), [false, true, 4]);
  await p.join();
});

test('an Event and a Lock as fields of a Process subclass reach the child as the same objects', async () => {
  class Worker extends Process {
    constructor(readonly started: multiprocessing.Event, readonly lock: multiprocessing.Lock) {
      super();
    }
    override run(): void {
      this.lock.acquireSync();
      this.started.set();
    }
  }
  const worker = new Worker(new Event(), new Lock());
  worker.start();
  assert.equal(await worker.started.wait(30), true);
  await worker.join();
  // The child acquired it and exited holding it: still locked here, as in Python.
  assert.equal(worker.lock.locked(), true);
  worker.lock.release();
});

test('in a child, only its main thread reaches the parent: a thread of the child given the lock gets a clear NotShippableError', async () => {
  const lock = new Lock();
  const results = new Queue<string>();
  const p = child(async (lock: multiprocessing.Lock, results: multiprocessing.Queue<string>) => {
    const t = new Thread({ target: (l: multiprocessing.Lock) => l.acquireSync(), args: [lock] });
    t.start();
    try {
      await t.join();
      results.putSync('acquired');
    } catch (error) {
      results.putSync(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }, lock, results);
  assert.match(await results.get(), /^NotShippableError: an object from another process \(a Lock, Event, Value\.\.\.\) works in the main thread of a process loom started with it/);
  await p.join();
  assert.equal(lock.locked(), false);
});
