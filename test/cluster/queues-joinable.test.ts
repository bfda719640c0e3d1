/**
 * The cluster's JoinableQueue in one process, through the direct link (two
 * links stand for two processes): join and taskDone as Python has them, and a
 * consumer's item delivered again when its lease lapses. The multi-process
 * version (issue 15's test 7) is queues-processes.test.ts.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ArgumentValueError, Empty } from '../../src/errors.js';
import { JoinableQueue, Queue } from '../../src/distributed/queues.js';
import { consumerOf } from '../../src/internal/cluster/queue-consumer.js';
import { queueKeys } from '../../src/internal/cluster/queue-keys.js';
import { DirectLink } from '../helpers/direct-link.js';
import { descendantsOf, isAlive } from '../helpers/processes.js';
import { redisServerInstalled, startRedis } from '../helpers/redis-server.js';

const installed = redisServerInstalled('the cluster JoinableQueue tests');
const settings = { leaseSeconds: 1 };

after(() => assert.deepEqual(descendantsOf(process.pid).filter(isAlive), [], 'processes left running'));

describe('cluster JoinableQueue', { skip: !installed }, () => {
  test('join returns at once with nothing unfinished, else after the last taskDone, from any link', async () => {
    // CPython test_queue.BaseQueueTestMixin.queue_join_test and _test_multiprocessing's test_task_done.
    await using redis = await startRedis();
    await using producerLink = new DirectLink(redis.url);
    await using consumerLink = new DirectLink(redis.url);
    const producer = new JoinableQueue<number>(producerLink, 'jobs', { maxsize: 5 }, settings);
    const consumer = new JoinableQueue<number>(consumerLink, 'jobs', {}, settings);
    await producer.join();
    for (let i = 0; i < 3; i++) await producer.put(i);
    let joined = false;
    const joining = producer.join().then(() => { joined = true; });
    for (let i = 0; i < 3; i++) assert.equal(await consumer.get(), i);
    assert.equal(await producer.qsize(), 0, 'taken items are not in the queue');
    await consumer.taskDone();
    await consumer.taskDone();
    await producer.qsize(); // a round trip: join cannot have returned, one item is unfinished
    assert.equal(joined, false, 'join returned with an item unfinished');
    // Python counts task_done from any process, not only the one that got the item.
    await producer.taskDone();
    await joining;
    // ...and it marked the consumer's held item done: the consumer going away gives nothing back
    // (a reaper would have within a lease, 1 s, and a slice of the get below, 1 s).
    await consumerLink.close();
    await assert.rejects(producer.get({ timeout: 3 }), Empty);
  });

  test('taskDone called more often than items were put throws ValueError\'s wording', async () => {
    // CPython test_queue.BaseQueueTestMixin.test_queue_task_done ("Did not detect task count going negative").
    await using redis = await startRedis();
    await using link = new DirectLink(redis.url);
    const q = new JoinableQueue<string>(link, 'count', {}, settings);
    await assert.rejects(q.taskDone(), (error: Error) => error instanceof ArgumentValueError && error.message === 'taskDone() called too many times');
    await q.put('a');
    assert.equal(await q.get(), 'a');
    await q.taskDone();
    await assert.rejects(q.taskDone(), /taskDone\(\) called too many times/);
    await q.join();
    await assert.rejects(new Queue<string>(link, 'count').put('b'), /cluster queue 'count' is a JoinableQueue; this call made it as a Queue/);
  });

  test('a consumer that stops renewing between get and taskDone has its item delivered again, and join waits for it', async () => {
    // Issue 15: "a JoinableQueue consumer that dies between get and taskDone has its item delivered again".
    await using redis = await startRedis();
    await using producerLink = new DirectLink(redis.url);
    await using survivorLink = new DirectLink(redis.url);
    const deadLink = new DirectLink(redis.url);
    const producer = new JoinableQueue<string>(producerLink, 'again', { maxsize: 10 }, settings);
    const survivor = new JoinableQueue<string>(survivorLink, 'again', {}, settings);
    await producer.put('held by the dead');
    await producer.put('second');
    assert.equal(await new JoinableQueue<string>(deadLink, 'again', {}, settings).get(), 'held by the dead');
    await deadLink.close(); // its lease is no longer renewed: gone, as far as the queue can tell
    let joined = false;
    const joining = producer.join().then(() => { joined = true; });
    assert.equal(await survivor.get(), 'second');
    await survivor.taskDone();
    assert.equal(await survivor.get({ timeout: 20 }), 'held by the dead', 'the dead consumer\'s item came again');
    assert.equal(joined, false, 'join returned before the redelivered item was done');
    await survivor.taskDone();
    await joining;
    assert.equal(await producer.qsize(), 0);
  });

  test('a get given up after Redis moved it an item puts it back from its pending list: nothing lost, nothing counted twice', async () => {
    // The abort path of a JoinableQueue get (BLMOVE into the pending list, then LREM and back to the head).
    await using redis = await startRedis();
    await using link = new DirectLink(redis.url);
    const q = new JoinableQueue<number>(link, 'abort', {}, settings);
    let delivered = 0;
    for (let i = 0; i < 20; i++) {
      const controller = new AbortController();
      const args = { name: 'abort', kind: 'JoinableQueue', maxsize: null, timeoutMs: null, leaseMs: 1000 };
      const outcome = link.callWithSignal('queue.get', args, controller).then(() => 'got', () => 'stopped');
      if (i % 2 === 0) await q.put(i);
      controller.abort(new Error('caller gone'));
      if (i % 2 === 1) await q.put(i);
      if ((await outcome) === 'got') delivered++;
    }
    assert.equal(delivered + (await q.qsize()), 20, 'an item was lost or duplicated');
    assert.equal(await link.redis.llen(queueKeys('loom', 'abort').pending(consumerOf(link.redis).id)), delivered, 'a given-up item stayed pending');
    for (let i = 0; i < 20; i++) {
      if (i >= delivered) await q.get();
      await q.taskDone();
    }
    await q.join();
  });
});
