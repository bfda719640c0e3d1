/**
 * The cluster's queues through a real cluster (its link thread, as users make
 * them with `c.Queue(...)`), where the op logic's own tests use a link that
 * runs the ops in the test's thread: the `Sync` twins block this thread while
 * the link thread talks to Redis, so they work in a loop that never yields.
 * Mirrors CPython's test_queue (blocking put/get with timeouts) and
 * _test_multiprocessing's JoinableQueue join.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cluster, Empty, Full, type Cluster } from '../../src/distributed/index.js';
import { descendantsOf } from '../helpers/processes.js';
import { redisServerInstalled, startRedis, type RunningRedis } from '../helpers/redis-server.js';

const installed = redisServerInstalled('the cluster queue tests through the link thread');

describe('cluster queues through the link thread', { skip: !installed }, () => {
  let redis: RunningRedis;
  let c: Cluster;
  before(async () => {
    redis = await startRedis();
    c = cluster(redis.url, { lease: 1 });
  });
  after(async () => {
    await c?.close();
    await redis?.stop();
    assert.deepEqual(descendantsOf(process.pid), []);
  });

  test('c.Queue: put and get, Promise and Sync, FIFO across two clusters on one Redis', async () => {
    await using other = cluster(redis.url, { lease: 1 });
    const producer = c.Queue<{ n: number; at: Date }>('fifo', { maxsize: 3 });
    const consumer = other.Queue<{ n: number; at: Date }>('fifo');
    await producer.put({ n: 1, at: new Date(0) });
    producer.putSync({ n: 2, at: new Date(1) });
    assert.equal(consumer.qsizeSync(), 2);
    assert.deepEqual(await consumer.get(), { n: 1, at: new Date(0) });
    assert.deepEqual(consumer.getSync({ timeout: 5 }), { n: 2, at: new Date(1) });
    assert.equal(consumer.emptySync(), true);
  });

  test('Sync twins in a loop that never yields: Full and Empty after their timeouts', () => {
    const q = c.Queue<number>('bounded', { maxsize: 2 });
    for (let i = 0; i < 2; i++) q.putSync(i);
    assert.equal(q.fullSync(), true);
    assert.throws(() => q.putSync(9, { timeout: 0.05 }), Full);
    assert.throws(() => q.putNowaitSync(9), Full);
    let taken = 0;
    while (!q.emptySync()) taken += q.getSync() + 1;
    assert.equal(taken, 3);
    assert.throws(() => q.getSync({ timeout: 0.05 }), Empty);
    assert.throws(() => q.getNowaitSync(), Empty);
  });

  test('c.JoinableQueue: joinSync returns once every item is marked done; c.SimpleQueue', async () => {
    const work = c.JoinableQueue<string>('chores');
    for (const chore of ['wash', 'dry']) work.putSync(chore);
    const done: string[] = [];
    while (done.length < 2) {
      done.push(work.getSync({ timeout: 5 }));
      work.taskDoneSync();
    }
    work.joinSync();
    assert.deepEqual(done, ['wash', 'dry']);
    const simple = c.SimpleQueue<number[]>('simple');
    await simple.put([1, 2]);
    assert.deepEqual(simple.getSync(), [1, 2]);
    assert.equal(await simple.empty(), true);
  });
});
