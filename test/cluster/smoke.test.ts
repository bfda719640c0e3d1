import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cluster } from '../../src/distributed/index.js';
import { Pool } from '../../src/index.js';
import { redisServerInstalled, startRedis } from '../helpers/redis-server.js';
import { Workers } from './workers.js';

test('smoke', { skip: !redisServerInstalled() }, async () => {
  await using redis = await startRedis();
  await using workers = new Workers(redis.url);
  await using c = cluster(redis.url, { lease: 1 });
  await workers.startMany(c, 2, { processes: 2 });
  console.log(await c.workers());
  using pool = new Pool({ backend: c });
  assert.equal(pool.processes, 4);
  assert.deepEqual(await pool.map((x: number) => x * 2, [1, 2, 3, 4, 5]), [2, 4, 6, 8, 10]);
  assert.equal(pool.applySync((a: number, b: number) => a + b, [2, 3]), 5);
  await assert.rejects(pool.apply(() => { throw new TypeError('boom'); }), TypeError);
});
