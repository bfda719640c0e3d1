import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activeCount, currentThread, Event, getIdent, mainThread, Thread } from '../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd, cells } from './helpers.js';

assertNoWorkersLeftAtEnd();

test('a target runs in another thread with its args', async () => {
  const out = cells(2);
  const t = new Thread({ target: (out: Int32Array, a: number, b: number) => { out[0] = a + b; out[1] = 1; }, args: [out, 2, 3] });
  t.start();
  await t.join();
  assert.deepEqual([...out], [5, 1]);
  assert.equal(t.isAlive(), false);
});

class InputReader extends Thread {
  lineOfText = '';
  override run(): void {
    this.lineOfText = `typed in ${currentThread().name}`;
  }
}

test('busy loop on isAlive() without yielding ends, and the field set by the thread is there (chapter 13.2.2)', () => {
  const thread = new InputReader();
  thread.name = 'reader';
  thread.start();
  let count = 1;
  let result = 1;
  while (thread.isAlive()) {
    result = count * count;
    count += 1;
  }
  assert.ok(result >= 1);
  assert.equal(thread.lineOfText, 'typed in reader');
});

test('isAlive() is true right after start() and while the thread runs', () => {
  const go = new Event();
  const t = new Thread({ target: (go: Event) => go.waitSync(10), args: [go] });
  assert.equal(t.isAlive(), false);
  t.start();
  assert.equal(t.isAlive(), true);
  assert.equal(activeCount() >= 2, true);
  go.set();
  t.joinSync();
  assert.equal(t.isAlive(), false);
});

test('joinSync with a timeout returns while the thread still runs', async () => {
  const go = new Event();
  const t = new Thread({ target: (go: Event) => go.waitSync(10), args: [go] });
  t.start();
  t.joinSync(0.05);
  assert.equal(t.isAlive(), true);
  await t.join(0.01);
  assert.equal(t.isAlive(), true);
  go.set();
  await t.join();
  assert.equal(t.isAlive(), false);
});

class Identity extends Thread {
  seen: { name: string; ident: number; sameObject: boolean; daemon: boolean } | undefined;
  override run(): void {
    const me = currentThread();
    this.seen = { name: me.name, ident: getIdent(), sameObject: me === this, daemon: me.daemon };
  }
}

test('name, ident, nativeId, daemon and currentThread() inside the thread', async () => {
  const t = new Identity({ name: 'worker-1', daemon: true });
  assert.equal(t.ident, undefined);
  t.start();
  assert.equal(typeof t.ident, 'number');
  if (process.platform === 'linux') assert.equal(typeof t.nativeId, 'number');
  await t.join();
  assert.deepEqual(t.seen, { name: 'worker-1', ident: t.ident, sameObject: true, daemon: true });
  assert.equal(currentThread(), mainThread());
  assert.equal(mainThread().name, 'MainThread');
  assert.equal(mainThread().ident, 0);
});

test('default names are Thread-N with the target name', () => {
  function work(): void {}
  assert.match(new Thread({ target: work }).name, /^Thread-\d+ \(work\)$/);
  assert.match(new Thread().name, /^Thread-\d+$/);
});

test('an async run() keeps the thread alive until it settles', async () => {
  class Later extends Thread {
    value = 0;
    override async run(): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, 20));
      this.value = 42;
    }
  }
  const t = new Later();
  t.start();
  await t.join();
  assert.equal(t.value, 42);
});

test('a thread can start and join a thread of its own', async () => {
  const out = cells(1);
  const t = new Thread({
    target: (out: Int32Array) => {
      // Thread is provided in the thread's scope, as every loom name is.
      const inner = new Thread({ target: (o: Int32Array) => { o[0] = 7; }, args: [out] });
      inner.start();
      inner.joinSync();
    },
    args: [out],
  });
  t.start();
  await t.join();
  assert.equal(out[0], 7);
});

test('a function inside args is shipped by source and callable there', async () => {
  const out = cells(1);
  const t = new Thread({ target: (f: (x: number) => number, out: Int32Array) => { out[0] = f(20); }, args: [(x: number) => x * 2 + 2, out] });
  t.start();
  await t.join();
  assert.equal(out[0], 42);
});

test('transfer moves an ArrayBuffer to the thread', async () => {
  const buffer = new ArrayBuffer(8);
  const t = new Thread({ target: (b: ArrayBuffer) => b.byteLength, args: [buffer], transfer: [buffer] });
  t.start();
  assert.equal(buffer.byteLength, 0);
  await t.join();
});
