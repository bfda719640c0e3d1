/**
 * The cluster's Queue and SimpleQueue on a real redis-server, through the
 * direct link (test/helpers/direct-link.ts: the ops run in this thread with
 * their own ioredis connections). Two links stand for two processes: each has
 * its own connections, as two machines would. The lead switches these to the
 * real link thread at merge, and adds the Sync twins.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { ArgumentTypeError, ArgumentValueError, Empty, Full, NotShippableError } from '../../src/errors.js';
import { Queue, SimpleQueue } from '../../src/distributed/queues.js';
import { queueKeys } from '../../src/internal/cluster/queue-keys.js';
import { DirectLink } from '../helpers/direct-link.js';
import { descendantsOf, isAlive } from '../helpers/processes.js';
import { redisServerInstalled, startRedis } from '../helpers/redis-server.js';

const installed = redisServerInstalled('the cluster queue tests');

after(() => assert.deepEqual(descendantsOf(process.pid).filter(isAlive), [], 'processes left running'));

describe('cluster Queue and SimpleQueue', { skip: !installed }, () => {
  test('items come out in the order they went in, across links, copied by v8 (Dates, Maps, Buffers, nested objects)', async () => {
    // CPython test_queue.BaseQueueTestMixin.simple_queue_test: FIFO order; multiprocessing pickles items, v8 here.
    await using redis = await startRedis();
    await using a = new DirectLink(redis.url);
    await using b = new DirectLink(redis.url);
    const producer = new Queue<unknown>(a, 'fifo');
    const consumer = new Queue<unknown>(b, 'fifo');
    const items: unknown[] = [1, 'two', { three: [3, 3, 3] }, new Date(4), new Map([[5, 'five']]), Buffer.from('six'), null, undefined, 2n ** 70n];
    for (const item of items) await producer.put(item);
    assert.equal(await consumer.qsize(), items.length);
    const got: unknown[] = [];
    for (const _ of items) got.push(await consumer.get());
    assert.deepEqual(got.slice(0, 5), items.slice(0, 5));
    assert.ok(Buffer.from(got[5] as Uint8Array).equals(Buffer.from('six')));
    assert.deepEqual(got.slice(6), items.slice(6));
    assert.equal(await consumer.empty(), true);
  });

  test('Empty and Full: without blocking, after a timeout, and at once for a negative timeout (multiprocessing takes it as 0)', async () => {
    // CPython test_queue's test_nowait / do_exceptional_blocking_test (Full, Empty after timeouts);
    // _test_multiprocessing's test_get (a negative timeout raises Empty at once).
    await using redis = await startRedis();
    await using link = new DirectLink(redis.url);
    const q = new Queue<number>(link, 'bounded', { maxsize: 2 });
    await assert.rejects(q.getNowait(), Empty);
    await assert.rejects(q.get({ timeout: 0.05 }), Empty);
    await assert.rejects(q.get({ timeout: -1 }), Empty);
    await q.putNowait(1);
    await q.put(2, { timeout: 1 });
    assert.equal(await q.full(), true);
    await assert.rejects(q.putNowait(3), Full);
    await assert.rejects(q.put(3, { timeout: 0.05 }), Full);
    await assert.rejects(q.put(3, { block: false, timeout: 10 }), Full);
    await assert.rejects(q.put(3, { timeout: -1 }), Full);
    assert.equal(await q.qsize(), 2, 'the refused puts left nothing behind');
    assert.equal(await q.getNowait(), 1);
    assert.equal(await q.full(), false);
    await assert.rejects(q.get({ timeout: 'soon' as unknown as number }), ArgumentTypeError);
  });

  test('a put blocked on a full queue is woken by a get from another link, and a blocked get by a put', async () => {
    // CPython test_queue's do_blocking_test: a put blocked on a full queue returns once a get makes room.
    await using redis = await startRedis();
    await using a = new DirectLink(redis.url);
    await using b = new DirectLink(redis.url);
    const qa = new Queue<string>(a, 'wake', { maxsize: 1 });
    const qb = new Queue<string>(b, 'wake', { maxsize: 1 });
    await qa.put('first');
    let putDone = false;
    const blockedPut = qa.put('second').then(() => { putDone = true; });
    assert.equal(await qb.qsize(), 1);
    assert.equal(putDone, false, 'a put into a full queue returned');
    assert.equal(await qb.get(), 'first');
    await blockedPut;
    assert.equal(await qb.get(), 'second');

    const blockedGet = qb.get();
    await qa.put('third');
    assert.equal(await blockedGet, 'third');
  });

  test('many links putting into a queue of 3 and two taking: every item arrives exactly once', async () => {
    // The bounded put is atomic (a length check and a push in one script): no link ever overfills the queue.
    await using redis = await startRedis();
    const links = Array.from({ length: 5 }, () => new DirectLink(redis.url));
    try {
      const producers = links.slice(0, 3).map((link, p) => {
        const q = new Queue<number>(link, 'many', { maxsize: 3 });
        return (async () => { for (let i = 0; i < 100; i++) await q.put(p * 1000 + i); })();
      });
      const consumers = links.slice(3).map((link) => {
        const q = new Queue<number>(link, 'many', { maxsize: 3 });
        return (async () => {
          const got: number[] = [];
          for (let i = 0; i < 150; i++) got.push(await q.get({ timeout: 30 }));
          return got;
        })();
      });
      let finished = false;
      const overfilled = (async () => {
        let most = 0;
        while (!finished) most = Math.max(most, await links[0]!.redis.llen(queueKeys('loom', 'many').items));
        return most;
      })();
      await Promise.all(producers);
      const got = (await Promise.all(consumers)).flat().sort((x, y) => x - y);
      finished = true;
      const expected = [0, 1000, 2000].flatMap((base) => Array.from({ length: 100 }, (_, i) => base + i));
      assert.deepEqual(got, expected);
      assert.ok((await overfilled) <= 3, 'the queue held more than maxsize items');
    } finally {
      await Promise.all(links.map((link) => link.close()));
    }
  });

  test('maxsize is stored with the queue: another maxsize or kind is refused, an omitted one takes the stored one', async () => {
    // No CPython analogue (a Python queue is one object, not a name): loom's choice, documented on ClusterQueueOptions.
    await using redis = await startRedis();
    await using a = new DirectLink(redis.url);
    await using b = new DirectLink(redis.url);
    await new Queue<number>(a, 'stored', { maxsize: 2 }).put(1);
    const other = new Queue<number>(b, 'stored', { maxsize: 3 });
    await assert.rejects(other.put(2), (error: Error) => error instanceof ArgumentValueError &&
      /cluster queue 'stored' is a Queue with maxsize 2; this call made it as a Queue with maxsize 3/.test(error.message));
    await assert.rejects(new SimpleQueue<number>(b, 'stored').get(), /is a Queue with maxsize 2; this call made it as a SimpleQueue/);
    const adopting = new Queue<number>(b, 'stored');
    assert.equal(adopting.maxsize, undefined);
    await adopting.put(2);
    assert.equal(await adopting.full(), true, 'the stored maxsize (2) applies');
    await assert.rejects(adopting.putNowait(3), Full);
    assert.equal(await new Queue<number>(b, 'unbounded').full(), false, 'a new queue without maxsize has no bound');
  });

  test('SimpleQueue: put, get, empty; bad names, items and closed queues are refused with a clear error', async () => {
    // CPython _test_multiprocessing's test_simple_queue (put, get, empty, close); put/get after close raise ValueError.
    await using redis = await startRedis();
    await using link = new DirectLink(redis.url);
    const q = new SimpleQueue<string>(link, 'simple');
    assert.equal(await q.empty(), true);
    await q.put('a');
    assert.equal(await q.empty(), false);
    assert.equal(await q.get(), 'a');
    assert.throws(() => new SimpleQueue(link, '' as string), ArgumentValueError);
    assert.throws(() => new Queue(link, 42 as unknown as string), ArgumentTypeError);
    await assert.rejects(q.put((() => 1) as unknown as string), NotShippableError);
    q.close();
    await assert.rejects(q.put('b'), /this SimpleQueue 'simple' is closed/);
    assert.equal(await new SimpleQueue<string>(link, 'simple').empty(), true, 'the refused put left nothing');
  });

  test('a get given up (its link closed, or its caller gone) loses no item, even when Redis handed it one at that moment', async () => {
    // The abort path: CLIENT UNBLOCK stops the blocked BLPOP; an item taken after the caller gave up goes back to the head.
    await using redis = await startRedis();
    await using b = new DirectLink(redis.url);
    const q = new Queue<number>(b, 'abort');
    let delivered = 0;
    for (let i = 0; i < 20; i++) {
      const controller = new AbortController();
      const getting = b.callWithSignal('queue.get', { name: 'abort', kind: 'Queue', maxsize: null, timeoutMs: null, leaseMs: 1000 }, controller);
      const outcome = getting.then(() => 'got', () => 'stopped');
      if (i % 2 === 0) await q.put(i); // sometimes before the abort, sometimes after
      controller.abort(new Error('caller gone'));
      if (i % 2 === 1) await q.put(i);
      if ((await outcome) === 'got') delivered++;
    }
    assert.equal(delivered + (await q.qsize()), 20, 'an item was lost or duplicated');

    await using a = new DirectLink(redis.url);
    const waiting = new Queue<number>(a, 'abort2').get().then(() => 'got', (error: Error) => error.message);
    await a.close();
    assert.equal(await waiting, 'the link was closed');
    const again = new Queue<number>(b, 'abort2');
    await again.put(7);
    assert.equal(await again.get(), 7, 'the closed link\'s get took nothing');
  });

  test('Redis restarted empty: the scripts load again, the maxsize is stored again, a get waiting across the restart takes an item put after it', async () => {
    // No CPython analogue. Without persistence the items are gone with the server (the core's BackendLostError is
    // for pool tasks); what must hold is that the queue works again, and a waiting get neither hangs nor throws.
    await using redis = await startRedis();
    await using a = new DirectLink(redis.url);
    await using b = new DirectLink(redis.url);
    const producer = new Queue<string>(a, 'restart', { maxsize: 5 });
    await producer.put('before');
    const consumer = new Queue<string>(b, 'restart');
    assert.equal(await consumer.get(), 'before');
    const waiting = consumer.get({ timeout: 30 });
    await redis.kill();
    await redis.start();
    // The consumer, which gave no maxsize, reaches the new server first: it must not store one of its own.
    assert.equal(await consumer.qsize(), 0);
    await producer.put('after');
    assert.equal(await waiting, 'after');
    for (let i = 0; i < 5; i++) await producer.put('fill');
    assert.equal(await consumer.full(), true, 'the producer\'s maxsize (5) is stored again');
  });

  test('the queues module loads neither ioredis nor bullmq (only the link thread does)', () => {
    // c-common: nothing of BullMQ/ioredis loads unless the user imports loom/distributed; the classes only talk to the link.
    const script = `require(${JSON.stringify(require.resolve('../../src/distributed/queues.js'))});` +
      'console.log(Object.keys(require.cache).filter((f) => /node_modules[\\/](ioredis|bullmq)[\\/]/.test(f)).length)';
    assert.equal(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim(), '0');
  });
});
