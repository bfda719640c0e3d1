/**
 * Jobs signed with the cluster's secret (the idea of multiprocessing's
 * authkey, which CPython checks with an HMAC challenge in
 * multiprocessing.connection: test_multiprocessing's _TestListenerClient
 * with a wrong authkey gets AuthenticationError). A worker with a secret
 * never runs a job added to Redis without a valid signature, whoever added
 * it; a cluster with the wrong secret is told why its tasks fail.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { BackendError, cluster } from '../../src/distributed/index.js';
import { Pool } from '../../src/index.js';
import { makeJob, sign } from '../../src/internal/cluster/jobs.js';
import { fnSpec } from '../../src/internal/pool/fn-ref.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled, startRedis } from '../helpers/redis-server.js';
import { counted, SideChannel } from './tasks.js';
import { Workers } from './workers.js';

after(() => waitForExit(descendantsOf(process.pid), 10_000));

test('a worker with a secret never runs an unsigned or wrongly signed job; a signed one runs', { skip: !redisServerInstalled() }, async () => {
  using side = new SideChannel();
  await using redis = await startRedis();
  const secretFile = join(side.dir, 'secret');
  writeFileSync(secretFile, 'the right secret\n');
  await using workers = new Workers(redis.url);
  await using c = cluster(redis.url, { lease: 1, secret: 'the right secret' });
  await workers.startMany(c, 1, { processes: 1, lease: 1, secretFile });

  // Jobs added with BullMQ directly, as anyone who can write to the Redis could.
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue('tasks', { connection, prefix: 'loom' });
  const eventsConnection = connection.duplicate();
  const events = new QueueEvents('tasks', { connection: eventsConnection, prefix: 'loom' });
  try {
    await events.waitUntilReady();
    const spec = fnSpec(counted, 'fn', 'process');
    const unsigned = makeJob(spec, 'apply', [side.dir, 'unsigned', 1], '', undefined);
    const wrong = { ...makeJob(spec, 'apply', [side.dir, 'wrong', 1], '', undefined), sig: sign('something else', 'the right secret') };
    const otherKey = makeJob(spec, 'apply', [side.dir, 'other', 1], '', 'another secret');
    const reasons: string[] = [];
    for (const data of [unsigned, wrong, otherKey]) {
      const job = await queue.add('task', data, { attempts: 1 });
      await assert.rejects(job.waitUntilFinished(events, 20_000), (e: Error) => (reasons.push(e.message), true));
    }
    assert.equal(side.runs().filter((f) => f !== 'secret').length, 0, 'a job without a valid signature ran');
    assert.ok(reasons.every((r) => r.startsWith('loom-error:')), reasons.join('\n'));
    // The cluster's own jobs, signed with the same secret, run.
    using pool = new Pool({ backend: c });
    assert.equal(await pool.apply(counted, [side.dir, 'signed', 7]), 7);
    assert.equal(side.runs('signed').length, 1);
    // A cluster with another secret is told why.
    await using wrongCluster = cluster(redis.url, { lease: 1, secret: 'not it' });
    using wrongPool = new Pool({ processes: 1, backend: wrongCluster });
    await assert.rejects(wrongPool.apply(counted, [side.dir, 'refused', 1]), (e: Error) => e instanceof BackendError && /refused the job: its signature is wrong/.test(e.message) && !/not it/.test(e.message));
    assert.equal(side.runs('refused').length, 0);
  } finally {
    await events.close();
    await queue.close();
    // BullMQ leaves connections it was given open.
    eventsConnection.disconnect();
    connection.disconnect();
  }
});
