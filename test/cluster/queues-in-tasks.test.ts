/**
 * A cluster queue given to a task travels with it: on the worker it is the
 * same queue, reached through the worker's own cluster connection, so tasks
 * on any machine can report to the notebook as they go (as a pickled
 * multiprocessing.managers proxy reconnects to its manager in Python). A
 * local thread or process has no cluster to reach it through, and says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cluster, NotShippableError, type Cluster, type Queue } from '../../src/distributed/index.js';
import { Pool, Process } from '../../src/index.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled, startRedis, type RunningRedis } from '../helpers/redis-server.js';
import { Workers } from './workers.js';

const installed = redisServerInstalled();

describe('cluster queues inside tasks', { skip: !installed }, () => {
  let redis: RunningRedis;
  let workers: Workers;
  let c: Cluster;

  before(async () => {
    redis = await startRedis({ password: 'not-in-the-output' });
    workers = new Workers(redis.url);
    c = cluster(redis.url, { lease: 2 });
    await workers.startMany(c, 2, { processes: 1, lease: 2 });
  });

  after(async () => {
    await c?.close();
    await workers?.killAll();
    await redis?.stop();
    await waitForExit(descendantsOf(process.pid), 10_000);
  });

  test('a task puts on a cluster queue given as its argument; the caller gets every item', async () => {
    using pool = new Pool({ backend: c });
    const runs = c.Queue<{ value: number; pid: number }>('runs', { maxsize: 100 });
    const report = (queue: Queue<{ value: number; pid: number }>, value: number): number => {
      queue.putSync({ value, pid: process.pid });
      return value * 2;
    };
    const doubled = await pool.starmap(report, [1, 2, 3, 4, 5, 6].map((value) => [runs, value] as [typeof runs, number]));
    assert.deepEqual(doubled, [2, 4, 6, 8, 10, 12]);
    const seen: { value: number; pid: number }[] = [];
    for (let i = 0; i < 6; i++) seen.push(await runs.get({ timeout: 10 }));
    assert.deepEqual(seen.map((s) => s.value).sort(), [1, 2, 3, 4, 5, 6]);
    assert.ok(seen.every((s) => s.pid !== process.pid), 'put by the workers\' processes');
    assert.equal(await runs.empty(), true);
  });

  test('a cluster queue given to a local Process fails there, saying how to reach it', async () => {
    const q = c.Queue<number>('local');
    const p = new Process({ target: (queue: Queue<number>) => queue.putSync(1), args: [q] });
    p.start();
    await assert.rejects(p.join(), (error: Error) => error instanceof NotShippableError && /cluster\(url\)\.Queue\('local'\)/.test(error.message));
  });
});
