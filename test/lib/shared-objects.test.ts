import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LifoQueue, PriorityQueue, Queue, SimpleQueue } from '../../src/queue/index.js';
import { Barrier, BoundedSemaphore, Condition, Event, Lock, RLock, Semaphore, Thread } from '../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd } from './helpers.js';

assertNoWorkersLeftAtEnd();

/** Each object, and what the thread does to it that this thread can then observe. */
function specimens() {
  return {
    lock: new Lock(),
    rlock: new RLock(),
    event: new Event(),
    semaphore: new Semaphore(0),
    bounded: new BoundedSemaphore(1),
    condition: new Condition(),
    barrier: new Barrier(1),
    queue: new Queue<string>(),
    lifo: new LifoQueue<string>(),
    priority: new PriorityQueue<number>(),
    simple: new SimpleQueue<string>(),
    memory: new Int32Array(new SharedArrayBuffer(4)),
  };
}
type Specimens = ReturnType<typeof specimens>;

/** Runs inside the thread: acts on every object so the effect is visible outside. */
function actOnAll(s: Specimens): void {
  s.lock.acquireSync();
  s.event.set();
  s.semaphore.release();
  s.bounded.acquireSync();
  s.queue.putSync('q');
  s.lifo.putSync('l');
  s.priority.putSync(7);
  s.simple.putSync('s');
  s.barrier.waitSync(5);
  s.memory[0] = 99;
  s.condition.acquireSync();
  s.condition.release();
}

function checkAll(s: Specimens): void {
  assert.equal(s.lock.locked(), true);
  assert.equal(s.event.isSet(), true);
  assert.equal(s.semaphore.acquireSync({ blocking: false }), true);
  assert.equal(s.bounded.acquireSync({ blocking: false }), false);
  assert.equal(s.queue.getSync({ timeout: 5 }), 'q');
  assert.equal(s.lifo.getSync({ timeout: 5 }), 'l');
  assert.equal(s.priority.getSync({ timeout: 5 }), 7);
  assert.equal(s.simple.getSync({ timeout: 5 }), 's');
  assert.equal(s.memory[0], 99);
}

test('every shared class passed as an argument is the same object in the thread', async () => {
  const s = specimens();
  const t = new Thread({ target: actOnAll, args: [s] });
  t.start();
  await t.join();
  checkAll(s);
});

class Holder extends Thread {
  readonly s: Specimens;
  constructor(s: Specimens) {
    super();
    this.s = s;
  }
  override run(): void {
    // The class travels by source, so the helper comes along as a field-free method body.
    const s = this.s;
    s.lock.acquireSync();
    s.event.set();
    s.semaphore.release();
    s.bounded.acquireSync();
    s.queue.putSync('q');
    s.lifo.putSync('l');
    s.priority.putSync(7);
    s.simple.putSync('s');
    s.barrier.waitSync(5);
    s.memory[0] = 99;
  }
}

test('every shared class set as a field in a Thread subclass constructor is the same object in the thread, and comes back as the same object', async () => {
  const s = specimens();
  const t = new Holder(s);
  t.start();
  await t.join();
  checkAll(s);
  assert.equal(t.s.lock, s.lock);
  assert.equal(t.s.queue, s.queue);
});

class Maker extends Thread {
  made: Lock | undefined;
  override run(): void {
    this.made = new Lock();
    this.made.acquireSync();
  }
}

test('a shared object created inside a thread and set on itself arrives here live', async () => {
  const t = new Maker();
  t.start();
  await t.join();
  assert.ok(t.made instanceof Lock);
  assert.equal(t.made.locked(), true);
  t.made.release();
});
