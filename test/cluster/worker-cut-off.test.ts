/**
 * Issue 15, test 4: a worker cut off from the network. It runs inside its own
 * network namespace (test/helpers/netns.ts) and reaches the Redis on this
 * machine by a veth link; the link goes down while it holds a task. That task
 * runs again on the other worker and the map finishes there; when the link
 * comes back, the cut-off worker reconnects, its late result is refused, and
 * it takes new tasks. CPython has no counterpart (multiprocessing stays on one
 * machine); this is the cluster's lease rule, as for a frozen worker.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cluster } from '../../src/distributed/index.js';
import { Pool } from '../../src/index.js';
import { createNetns, netnsAvailable } from '../helpers/netns.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled, startRedis } from '../helpers/redis-server.js';
import { byWorker, runsOf, SideChannel } from './tasks.js';
import { until, Workers } from './workers.js';

after(() => waitForExit(descendantsOf(process.pid), 10_000));

const runnable = netnsAvailable('the cut-off worker test') && redisServerInstalled('the cut-off worker test');

test('a worker cut off from the network: its task finishes elsewhere; after restore it reconnects and takes new tasks', { skip: !runnable }, async () => {
  using side = new SideChannel();
  const open = (gate: string, pid: number): void => writeFileSync(join(side.dir, `${gate}-${pid}`), '');
  await using ns = await createNetns();
  await using redis = await startRedis({ bind: ['127.0.0.1', ns.hostAddress] });
  await using workers = new Workers(redis.url);
  await using c = cluster(redis.url, { lease: 1 });
  const [cutOff] = await workers.startMany(c, 1, { processes: 1, lease: 1, netns: ns });
  const [other] = await workers.startMany(c, 1, { processes: 1, lease: 1 });
  using pool = new Pool({ processes: 4, backend: c });

  // Two tasks held at their workers' gates: each worker runs one task at a time, so each holds one.
  const first = pool.starmapAsync(byWorker, [0, 1].map((x) => [side.dir, x, 'open'] as [string, number, string]), 1);
  await until(() => runsOf(side, 0).length + runsOf(side, 1).length === 2, 20_000, () => `tasks not started: ${side.runs().join(' ')}`);
  const held = runsOf(side, 0)[0] === cutOff.pid ? 0 : 1;
  assert.deepEqual([runsOf(side, held)[0], runsOf(side, 1 - held)[0]], [cutOff.pid, other.pid], 'one task on each worker');

  await ns.cut();
  open('open', other.pid);
  // The cut-off worker renews no lease: past it, the other worker takes its task back and runs it.
  const values = await first.get(30);
  assert.deepEqual(values, [[0, other.pid], [1, other.pid]], 'both results, from the worker still connected');

  await ns.restore();
  // Its own run of the task it held ends now; the result it offers is refused (the job is done already).
  open('open', cutOff.pid);
  // New tasks: the other worker holds one at its gate, so the cut-off worker, once reconnected, must run the rest.
  const tasks = [10, 11, 12, 13];
  const later = pool.starmapAsync(byWorker, tasks.map((x) => [side.dir, x, 'later'] as [string, number, string]), 1);
  open('later', cutOff.pid);
  const doneByCutOff = (): number => tasks.filter((x) => runsOf(side, x, 'done').includes(cutOff.pid)).length;
  await until(() => doneByCutOff() === 3, 45_000, () => `the cut-off worker ran ${doneByCutOff()} new tasks after restore: ${cutOff.output()}`);
  open('later', other.pid);
  const laterValues = await later.get(30);
  assert.deepEqual(laterValues.map(([x]) => x), tasks, 'every result once, in order');
  assert.equal(laterValues.filter(([, pid]) => pid === cutOff.pid).length, 3, 'three of them from the reconnected worker');
  assert.deepEqual(runsOf(side, held, 'done').sort(), [cutOff.pid, other.pid].sort(), 'the held task ran to the end on both workers');
  assert.equal(runsOf(side, 1 - held).length, 1, 'the other task ran once');
  for (const x of tasks) assert.equal(runsOf(side, x).length, 1, `task ${x} ran once`);
  assert.ok((await c.workers()).some((w) => w.pid === cutOff.pid), 'the reconnected worker is listed');
});
