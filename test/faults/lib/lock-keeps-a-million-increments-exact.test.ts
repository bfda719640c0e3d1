/**
 * A shared counter incremented 1,000,000 times by 4 threads ends exact under
 * a Lock. The same threads without the lock show what the count is worth:
 * that run may lose increments (it prints how many), so an exact count under
 * the lock is the lock's doing, and a broken lock would fail the first test.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawValue, Value } from '../../../src/multiprocessing/index.js';
import { Lock, Thread } from '../../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd } from '../../lib/helpers.js';

assertNoWorkersLeftAtEnd();

const TOTAL = 1_000_000;
const THREADS = 4;

/** Runs 4 threads that each add 1 to `counter` TOTAL/4 times, under `lock` if given; returns the count. */
async function countWith(counter: Value, lock: Lock | null): Promise<number> {
  const threads = Array.from({ length: THREADS }, () => new Thread({
    target: (counter: Value, lock: Lock | null, rounds: number) => {
      for (let i = 0; i < rounds; i++) {
        lock?.acquireSync();
        // A read, then a write: another thread's increment in between is lost unless the lock keeps it out.
        const seen = counter.value;
        counter.value = seen + 1;
        lock?.release();
      }
    },
    args: [counter, lock, TOTAL / THREADS],
  }));
  for (const thread of threads) thread.start();
  for (const thread of threads) await thread.join();
  return counter.value;
}

test('a shared Value incremented 1,000,000 times by 4 threads under a Lock ends exact', { timeout: 180_000 }, async (t) => {
  const started = Date.now();
  const count = await countWith(RawValue('i', 0), new Lock());
  t.diagnostic(`with a Lock: ${count} of ${TOTAL} in ${Date.now() - started} ms`);
  assert.equal(count, TOTAL);
});

test('the same without the lock may lose increments: never more than 1,000,000, and what it got is printed', { timeout: 180_000 }, async (t) => {
  const count = await countWith(RawValue('i', 0), null);
  t.diagnostic(`without a lock: ${count} of ${TOTAL} (${TOTAL - count} increments lost)`);
  assert.ok(count > 0 && count <= TOTAL, `a count of ${count}`);
});
