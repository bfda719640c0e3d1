/**
 * Redis restarted empty (no persistence) in the middle of a map: the jobs
 * and their events are gone, so the map's outstanding futures reject with
 * BackendLostError, within a few leases, and never hang (the client sees the
 * epoch key gone on reconnect, and re-checks awaited jobs every lease). No
 * CPython counterpart: Python's pools have no broker to lose.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { BackendLostError } from '../../src/distributed/index.js';
import { Pool, ProcessPoolExecutor } from '../../src/index.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled } from '../helpers/redis-server.js';
import { gated, SideChannel } from './tasks.js';
import { until, smallCluster } from './workers.js';

after(() => waitForExit(descendantsOf(process.pid), 10_000));

/** Settles within `ms`, or fails the test saying it hung. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

test('Redis restarted empty mid-map: the outstanding futures reject with BackendLostError, none hangs', { skip: !redisServerInstalled() }, async () => {
  using side = new SideChannel();
  await using small = await smallCluster(2);
  const { redis, c } = small;
  using pool = new Pool({ backend: c });
  await using ex = new ProcessPoolExecutor({ backend: c });
  const map = pool.starmapAsync(gated, Array.from({ length: 8 }, (_, i) => [side.dir, `t${i}`] as [string, string]), 1);
  const future = ex.submit(gated, side.dir, 'f');
  await side.started(2);
  await redis.kill();
  await redis.start();
  await assert.rejects(within(map.get(), 20_000, 'the map'), BackendLostError);
  await assert.rejects(within(future.result(), 20_000, 'the future'), (e: Error) => e instanceof BackendLostError && /lost its data/.test(e.message));
  // The cluster works again once the workers are back on the new Redis.
  side.open();
  await until(async () => (await c.workers()).length === 2, 20_000, () => 'the workers did not come back');
  assert.deepEqual(await within(pool.map((x: number) => x * 2, [1, 2, 3]), 20_000, 'a map after the restart'), [2, 4, 6]);
});
