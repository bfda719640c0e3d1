import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Event, Thread } from '../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd } from './helpers.js';

assertNoWorkersLeftAtEnd();

test('set() in a thread wakes a waiter here; isSet and clear', async () => {
  const ready = new Event();
  assert.equal(ready.isSet(), false);
  const t = new Thread({ target: (ready: Event) => ready.set(), args: [ready] });
  t.start();
  assert.equal(await ready.wait(10), true);
  assert.equal(ready.isSet(), true);
  ready.clear();
  assert.equal(ready.isSet(), false);
  await t.join();
});

test('wait times out with false', async () => {
  const e = new Event();
  assert.equal(e.waitSync(0.02), false);
  assert.equal(await e.wait(0.02), false);
  e.set();
  assert.equal(e.waitSync(0), true);
});

test('a thread blocked in waitSync is released by set() here', async () => {
  const go = new Event();
  const done = new Event();
  const t = new Thread({ target: (go: Event, done: Event) => { if (go.waitSync(10)) done.set(); }, args: [go, done] });
  t.start();
  go.set();
  assert.equal(await done.wait(10), true);
  await t.join();
});
