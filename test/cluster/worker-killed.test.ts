/**
 * A worker SIGKILLed in the middle of a 300-task map over 3 workers: 300
 * correct results, each once; only the tasks the dead worker held ran twice
 * (a run is counted by a file the task writes). CPython has no counterpart
 * (its Pool hangs when a worker dies; its executor breaks): this is the
 * at-least-once, at-most-twice rule of loom's cluster (BullMQ's stalled jobs).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cluster } from '../../src/distributed/index.js';
import { Pool } from '../../src/index.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled, startRedis } from '../helpers/redis-server.js';
import { SideChannel } from './tasks.js';
import { Workers } from './workers.js';

after(() => waitForExit(descendantsOf(process.pid), 10_000));

/** Records the run, works a little (so the map lasts long enough to be cut), returns x squared. */
const square = (dir: string, x: number): number => {
  const end = Date.now() + 15;
  while (Date.now() < end) { /* work */ }
  require('node:fs').writeFileSync(`${dir}/t${x}-${process.pid}-${Math.random().toString(36).slice(2)}`, '');
  return x * x;
};

test('SIGKILL of a worker mid-map (300 tasks, 3 workers): 300 correct results, each once; only its tasks ran twice', { skip: !redisServerInstalled() }, async () => {
  using side = new SideChannel();
  await using redis = await startRedis();
  await using workers = new Workers(redis.url);
  await using c = cluster(redis.url, { lease: 1 });
  const [victim] = await workers.startMany(c, 3, { processes: 1, lease: 1 });
  using pool = new Pool({ backend: c });
  const items = Array.from({ length: 300 }, (_, i) => [side.dir, i] as [string, number]);
  const results = pool.starmapAsync(square, items, 1);
  await side.started(60);
  const victimPids = [victim.pid, ...descendantsOf(victim.pid)];
  for (const pid of victimPids) process.kill(pid, 'SIGKILL');
  const values = await results.get();
  assert.deepEqual(values, items.map(([, i]) => i * i));
  const runs = new Map<number, number>();
  for (const file of side.runs()) {
    const task = Number(/^t(\d+)-/.exec(file)![1]);
    runs.set(task, (runs.get(task) ?? 0) + 1);
  }
  assert.equal(runs.size, 300, 'every task ran');
  const twice = [...runs].filter(([, n]) => n > 1);
  // The victim ran one task at a time (1 process): at most that one ran again elsewhere.
  assert.ok(twice.length <= 1 && twice.every(([, n]) => n === 2), `ran more than once: ${JSON.stringify(twice)}`);
});
