import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { shipHooks } from '../../src/host/index.js';
import { NotShippableError, Thread } from '../../src/index.js';
import { KIND_MODULES } from '../../src/entry/kinds.js';
import { analyse } from '../../src/internal/ship/free-names.js';
import { reviveCode } from '../../src/internal/ship/revive-code.js';
import { shipFunction } from '../../src/internal/ship/ship.js';
import { assertNoWorkersLeftAtEnd, cells } from './helpers.js';

assertNoWorkersLeftAtEnd();

const free = (source: string): string[] => analyse(source).free.map((f) => f.name);

test('free names: params, locals, hoisting, blocks, catch, destructuring and labels are not free', () => {
  assert.deepEqual(free('(a, {b, c: [d]}, ...e) => a + b + d + e.length'), []);
  assert.deepEqual(free('function f() { g(); function g() {} var v = 1; return v; }'), []);
  assert.deepEqual(free('() => { { let x = 1; } return x; }'), ['x']);
  assert.deepEqual(free('() => { try {} catch (err) { return err; } }'), []);
  assert.deepEqual(free('() => { outer: for (const k of []) { break outer; } }'), []);
  assert.deepEqual(free('(class A extends Base { m() { return A; } })'), ['Base']);
  assert.deepEqual(free('(o) => ({ key: o.prop, [computed]: 1, short })'), ['computed', 'short']);
  assert.deepEqual(free('function named() { return named; }'), []);
});

test('free names: defaults, computed keys, assignment targets and static blocks are uses; names come in source order', () => {
  assert.deepEqual(free('({a = dflt, [key]: v} = {}) => a + v'), ['dflt', 'key']);
  assert.deepEqual(free('() => { [a, b] = [b, a]; for (x of xs) {} }'), ['a', 'b', 'x', 'xs']);
  assert.deepEqual(free('(class { static { let q = 1; q; z; } })'), ['z']);
  assert.deepEqual(free('() => { switch (s) { case FIRST: return one; case SECOND: return two; } }'), ['s', 'FIRST', 'one', 'SECOND', 'two']);
  assert.deepEqual(free('function f() { return new.target ?? arguments[0]; }'), []);
  assert.deepEqual(analyse('(class { #a = 1; static #b = 2; #m() {} })').privateMembers, ['a', 'm']);
});

test('free names record member use, so compiled imports can be recognised', () => {
  const facts = analyse('() => new threading_1.Lock() && (0, threading_1.currentThread)()');
  assert.deepEqual([...(facts.free[0].members ?? [])].sort(), ['Lock', 'currentThread']);
  assert.equal(analyse('() => fs_1 + fs_1.x').free[0].members, null);
});

test('shipping and reviving: method shorthand, async and generator functions, compiled loom imports', async () => {
  const object = { double(x: number) { return x * 2; } };
  assert.equal(reviveCode<(x: number) => number>(shipFunction(object.double, 'target'))(4), 8);
  const gen = reviveCode<() => Generator<number>>(shipFunction(function* () { yield 1; yield 2; }, 'target'));
  assert.deepEqual([...gen()], [1, 2]);
  const asyncFn = reviveCode<() => Promise<number>>(shipFunction(async () => 5, 'target'));
  assert.equal(await asyncFn(), 5);
  const usesLoom = reviveCode<() => boolean>(shipFunction(new Function('threading_1', 'return () => new threading_1.Lock().locked() === false')({}), 'target'));
  assert.equal(usesLoom(), true);
});

test('the declaration hook brings named declarations along (what the kernel uses for notebook cells)', async () => {
  const previous = shipHooks.resolveDeclaration;
  shipHooks.resolveDeclaration = (name) => ({ rate: 'const rate = factor * 2;', factor: 'const factor = 21;' })[name];
  try {
    const out = cells(1);
    const target = new Function('return (out) => { out[0] = rate; }')() as (out: Int32Array) => void;
    const t = new Thread({ target, args: [out] });
    t.start();
    await t.join();
    assert.equal(out[0], 42);
  } finally {
    shipHooks.resolveDeclaration = previous;
  }
});

test('a declaration the host gives that does not parse is refused at start, naming it', () => {
  const previous = shipHooks.resolveDeclaration;
  shipHooks.resolveDeclaration = (name) => (name === 'broken' ? 'const broken = ;' : undefined);
  try {
    const target = new Function('return () => broken')() as () => unknown;
    assert.throws(() => new Thread({ target }).start(), (e: NotShippableError) => e.code === 'ERR_LOOM_NOT_SHIPPABLE' && /'broken'/.test(e.message));
  } finally {
    shipHooks.resolveDeclaration = previous;
  }
});

test('functions found in a subclass chain travel with it', async () => {
  class Base extends Thread {
    value = 0;
    protected compute(): number {
      return 40;
    }
  }
  class Derived extends Base {
    override run(): void {
      this.value = this.compute() + 2;
    }
  }
  const t = new Derived();
  t.start();
  await t.join();
  assert.equal(t.value, 42);
});

test('a thread loads only the loom modules its code uses: names, compiled imports and shared objects load theirs', async () => {
  const loaded = (file: string): boolean => Object.keys(require.cache).some((f) => f.endsWith(file));
  class Bare extends Thread {
    queueLoaded = true;
    override run(): void {
      this.queueLoaded = Object.keys(require.cache).some((f) => f.endsWith('queue/queue.js') || f.endsWith('queue/queue.ts'));
    }
  }
  const bare = new Bare();
  bare.start();
  await bare.join();
  assert.equal(bare.queueLoaded, false, 'a thread using no loom name loaded the queue module');
  assert.ok(loaded('queue/queue.js') || loaded('queue/queue.ts'), 'the main thread has it (the test would prove nothing)');

  // A bare name, a member of a compiled import, and a shared object in args.
  const uses = new Function('threading_1', 'return (out, event) => { out[0] = new Queue().qsize() === 0 && new threading_1.Lock().locked() === false && event.isSet() ? 1 : 2; }')({}) as
    (out: Int32Array, event: unknown) => void;
  const { Event } = await import('../../src/index.js');
  const event = new Event();
  event.set();
  const out = cells(1);
  const t = new Thread({ target: uses, args: [out, event] });
  t.start();
  await t.join();
  assert.equal(out[0], 1);
});

test('each shareable kind is registered by the module the workers load for it', async () => {
  const root = join(__dirname, '..', '..', 'src', 'entry');
  // One fresh worker per kind: in one worker an earlier module could have registered the kind already.
  const code = `
    const { parentPort, workerData: { root, kind, file } } = require('node:worker_threads');
    const { join } = require('node:path');
    const registry = require(join(root, '../internal/share/registry.js'));
    require(join(root, file));
    parentPort.postMessage(registry.canRevive(kind));`;
  const registered = await Promise.all(Object.entries(KIND_MODULES).map(async ([kind, file]) => {
    const worker = new Worker(code, { eval: true, workerData: { root, kind, file } });
    // Listened for at once: a worker that ends quickly may deliver its message and 'exit' in one turn.
    const exited = once(worker, 'exit');
    const [ok] = await once(worker, 'message') as [boolean];
    await exited;
    return ok ? '' : kind;
  }));
  assert.deepEqual(registered.filter(Boolean), []);
});

test('a function a thread sets on itself comes back as a function (shipping loads in the thread when needed)', async () => {
  class Maker extends Thread {
    double: ((x: number) => number) | undefined;
    override run(): void {
      this.double = (x) => x * 2;
    }
  }
  const t = new Maker();
  t.start();
  await t.join();
  assert.equal(t.double?.(21), 42);
});
