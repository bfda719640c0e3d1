/**
 * Queues under load: a million items through a threading Queue shared by 4
 * producer and 4 consumer threads, and 100,000 through a multiprocessing
 * JoinableQueue shared by 2 producer and 2 consumer processes. Every item is
 * counted where it arrives (a tally per item, so a lost or doubled item shows
 * by number), `join()` returns only after a `taskDone()` for each, and the
 * figures reached are printed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JoinableQueue, Process, Queue as ProcessQueue } from '../../../src/multiprocessing/index.js';
import { Queue } from '../../../src/queue/index.js';
import { Thread } from '../../../src/threading/index.js';
import { assertNothingLeftAtEnd } from '../../lib/helpers.js';

assertNothingLeftAtEnd();

/** Items 0..n-1 split into `parts` contiguous ranges, as [from, to) pairs. */
function ranges(n: number, parts: number): [number, number][] {
  return Array.from({ length: parts }, (_, i) => [Math.floor((i * n) / parts), Math.floor(((i + 1) * n) / parts)]);
}

/** Which items were never seen and which were seen more than once (the first few of each). */
function misfits(tally: ArrayLike<number>): { lost: number[]; doubled: number[] } {
  const lost: number[] = [];
  const doubled: number[] = [];
  for (let i = 0; i < tally.length; i++) {
    if (tally[i] === 0 && lost.length < 10) lost.push(i);
    if (tally[i]! > 1 && doubled.length < 10) doubled.push(i);
  }
  return { lost, doubled };
}

test('1,000,000 items through a threading Queue with 4 producer and 4 consumer threads: each arrives exactly once, join() after every taskDone()', { timeout: 180_000 }, async (t) => {
  const N = 1_000_000;
  const queue = new Queue<number>(10_000);
  // tally[i]: how often item i arrived; totals[c]: items consumer c took (Atomics: written by threads).
  const tally = new Uint8Array(new SharedArrayBuffer(N));
  const totals = new Float64Array(new SharedArrayBuffer(8 * 8));
  const started = Date.now();
  const producers = ranges(N, 4).map(([from, to]) => new Thread({
    name: `producer-${from}`,
    target: (queue: Queue<number>, from: number, to: number) => {
      for (let i = from; i < to; i++) queue.putSync(i);
    },
    args: [queue, from, to],
  }));
  const consumers = [0, 1, 2, 3].map((c) => new Thread({
    name: `consumer-${c}`,
    target: (queue: Queue<number>, tally: Uint8Array, totals: Float64Array, c: number) => {
      let count = 0;
      let sum = 0;
      for (;;) {
        const item = queue.getSync();
        if (item === -1) {
          queue.taskDone();
          break;
        }
        Atomics.add(tally, item, 1);
        count++;
        sum += item;
        queue.taskDone();
      }
      totals[2 * c] = count;
      totals[2 * c + 1] = sum;
    },
    args: [queue, tally, totals, c],
  }));
  for (const thread of [...consumers, ...producers]) thread.start();
  for (const producer of producers) await producer.join();
  // Every item was put; join() may only return once each has been marked done.
  await queue.join();
  const tallied = tally.reduce((sum, n) => sum + n, 0);
  assert.equal(tallied, N, `join() returned with ${tallied} of ${N} items processed`);
  for (let c = 0; c < 4; c++) queue.putSync(-1);
  for (const consumer of consumers) await consumer.join();
  const count = [0, 2, 4, 6].reduce((sum, i) => sum + totals[i]!, 0);
  const checksum = [1, 3, 5, 7].reduce((sum, i) => sum + totals[i]!, 0);
  const { lost, doubled } = misfits(tally);
  t.diagnostic(`threads: ${count} items, checksum ${checksum} (expected ${(N * (N - 1)) / 2}), per consumer ${[0, 2, 4, 6].map((i) => totals[i]).join('/')}, ${Date.now() - started} ms`);
  assert.deepEqual({ lost, doubled }, { lost: [], doubled: [] });
  assert.equal(count, N);
  assert.equal(checksum, (N * (N - 1)) / 2);
  assert.equal(queue.qsize(), 0);
});

test('100,000 items through a multiprocessing JoinableQueue with 2 producer and 2 consumer processes: each arrives exactly once, join() after every taskDone()', { timeout: 180_000 }, async (t) => {
  const N = 100_000;
  const queue = new JoinableQueue<number>();
  const reports = new ProcessQueue<{ tally: Uint8Array; count: number; sum: number }>();
  const started = Date.now();
  const producers = ranges(N, 2).map(([from, to]) => new Process({
    target: (queue: JoinableQueue<number>, from: number, to: number) => {
      for (let i = from; i < to; i++) queue.putSync(i);
    },
    args: [queue, from, to],
  }));
  const consumers = [0, 1].map(() => new Process({
    // Each consumer tallies what it took and sends the tally back when told to stop.
    target: (queue: JoinableQueue<number>, reports: ProcessQueue<{ tally: Uint8Array; count: number; sum: number }>, n: number) => {
      const tally = new Uint8Array(n);
      let count = 0;
      let sum = 0;
      for (;;) {
        const item = queue.getSync();
        if (item === -1) break;
        tally[item]!++;
        count++;
        sum += item;
        queue.taskDone();
      }
      reports.putSync({ tally, count, sum });
      queue.taskDone();
    },
    args: [queue, reports, N],
  }));
  for (const process of [...consumers, ...producers]) process.start();
  for (const producer of producers) await producer.join();
  await queue.join();
  for (let c = 0; c < 2; c++) await queue.put(-1);
  const got = [await reports.get({ timeout: 60 }), await reports.get({ timeout: 60 })];
  await queue.join();
  for (const consumer of consumers) await consumer.join();
  const tally = new Uint8Array(N);
  for (const report of got) for (let i = 0; i < N; i++) tally[i]! += report.tally[i]!;
  const count = got[0]!.count + got[1]!.count;
  const checksum = got[0]!.sum + got[1]!.sum;
  const { lost, doubled } = misfits(tally);
  t.diagnostic(`processes: ${count} items, checksum ${checksum} (expected ${(N * (N - 1)) / 2}), per consumer ${got.map((r) => r.count).join('/')}, ${Date.now() - started} ms`);
  assert.deepEqual({ lost, doubled }, { lost: [], doubled: [] });
  assert.equal(count, N);
  assert.equal(checksum, (N * (N - 1)) / 2);
  for (const consumer of consumers) assert.equal(consumer.exitCode, 0);
});
