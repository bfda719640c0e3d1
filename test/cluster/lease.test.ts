/**
 * The lease trap (CLUSTER.md): tasks of 3 s of CPU under a 1 s lease each run
 * exactly once, because user code runs in the worker's local pool, never on
 * the thread that renews the leases. Counted by a file each run writes.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Pool } from '../../src/index.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled } from '../helpers/redis-server.js';
import { burn, SideChannel } from './tasks.js';
import { smallCluster } from './workers.js';

after(() => waitForExit(descendantsOf(process.pid), 10_000));

test('tasks of 3 s of CPU under a 1 s lease each run exactly once', { skip: !redisServerInstalled() }, async () => {
  using side = new SideChannel();
  await using small = await smallCluster(2);
  const { c } = small;
  using pool = new Pool({ backend: c });
  const values = await pool.starmap(burn, [0, 1, 2, 3].map((i) => [side.dir, `b${i}`, 3000, i] as [string, string, number, number]), 1);
  assert.deepEqual(values, [0, 1, 2, 3]);
  for (let i = 0; i < 4; i++) assert.equal(side.runs(`b${i}`).length, 1, `task b${i} ran ${side.runs(`b${i}`).length} times`);
});
