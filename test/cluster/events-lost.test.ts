/**
 * BullMQ's completion events never reaching the client (a Redis user not
 * allowed to read the event stream: every XREAD refused, so no event at
 * all): the futures still settle, with the right results and errors, from
 * the client's re-check of awaited jobs every lease (CLUSTER.md: 5-10% of
 * events were lost on one backend). And events trimmed from BullMQ's stream
 * before the client read them (a map's burst can outrun the reader): found
 * when the queue runs dry. No CPython counterpart.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { cluster } from '../../src/distributed/index.js';
import { Pool } from '../../src/index.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled, startRedis } from '../helpers/redis-server.js';
import { Workers } from './workers.js';

after(() => waitForExit(descendantsOf(process.pid), 10_000));

test('with no completion event ever arriving, every result and error still comes (re-checked every lease)', { skip: !redisServerInstalled() }, async () => {
  await using redis = await startRedis();
  const admin = new Redis(redis.url);
  try {
    await admin.call('ACL', 'SETUSER', 'deaf', 'on', '>deafpass', '~*', '&*', '+@all', '-xread');
  } finally {
    admin.disconnect();
  }
  await using workers = new Workers(redis.url);
  await using c = cluster(`redis://deaf:deafpass@127.0.0.1:${redis.port}`, { lease: 1 });
  await workers.startMany(c, 2, { processes: 1, lease: 1 });
  using pool = new Pool({ backend: c });
  assert.deepEqual(await pool.map((x: number) => x * 2, [1, 2, 3, 4, 5, 6], 1), [2, 4, 6, 8, 10, 12]);
  await assert.rejects(pool.apply(() => { throw new RangeError('still told'); }), (e: Error) => e instanceof RangeError && e.message === 'still told');
});

test('completion events trimmed before the client reads them: the results come when the queue runs dry, not a lease later', { skip: !redisServerInstalled(), timeout: 120_000 }, async () => {
  await using redis = await startRedis();
  await using workers = new Workers(redis.url);
  // No lease sweep within the test: only the check when the queue runs dry can find the lost results.
  await using c = cluster(redis.url, { lease: 600 });
  await workers.startMany(c, 1, { processes: 1, lease: 1 });
  using pool = new Pool({ backend: c });
  assert.equal(await pool.apply((x: number) => x + 1, [1]), 2);
  const admin = new Redis(redis.url);
  try {
    // BullMQ's events stream cut to about one entry at every write: a `completed` is gone before anyone reads it.
    await admin.config('SET', 'stream-node-max-entries', '1');
    await admin.hset('loom:tasks:meta', 'opts.maxLenEvents', '1');
    const items = Array.from({ length: 30 }, (_, i) => i);
    assert.deepEqual(await pool.map((x: number) => x * 2, items, 1), items.map((x) => x * 2));
    // The map wrote about 4 events a job (added, waiting, active, completed); the stream kept a few.
    assert.ok((await admin.xlen('loom:tasks:events')) < items.length, 'the events stream was not cut');
  } finally {
    admin.disconnect();
  }
});
