/**
 * Issue 15, test 3: a worker frozen (SIGSTOP, with the child running its task)
 * past its lease has that task run again on the other worker; once thawed
 * (SIGCONT) it finishes its own run first, yet its late result is refused: the
 * value taken is the other worker's, the map's results are each there once and
 * correct; and the thawed worker takes new tasks again. CPython has no
 * counterpart (a frozen multiprocessing worker just holds its task); this is
 * the cluster's lease rule: BullMQ moves a job whose lock lapsed back to wait,
 * and refuses to finish a job with a lock token that is no longer its own.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cluster } from '../../src/distributed/index.js';
import { Pool } from '../../src/index.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled, startRedis } from '../helpers/redis-server.js';
import { byWorker, runsOf, SideChannel } from './tasks.js';
import { until, Workers } from './workers.js';

after(() => waitForExit(descendantsOf(process.pid), 10_000));

function signal(pids: number[], name: NodeJS.Signals): void {
  for (const pid of pids) process.kill(pid, name);
}

test('a worker SIGSTOPped past its lease: its task runs elsewhere, its late result is refused, and after SIGCONT it takes new tasks', { skip: !redisServerInstalled() }, async () => {
  using side = new SideChannel();
  const open = (gate: string, pid: number): void => writeFileSync(join(side.dir, `${gate}-${pid}`), '');
  await using redis = await startRedis();
  await using workers = new Workers(redis.url);
  await using c = cluster(redis.url, { lease: 1 });
  const [a, b] = await workers.startMany(c, 2, { processes: 1, lease: 1 });
  using pool = new Pool({ processes: 4, backend: c });

  // Task 0 waits at its worker's gate; tasks 1..9 run straight through. Both workers run one task at a time.
  const items = Array.from({ length: 10 }, (_, x) => [side.dir, x, x === 0 ? 'open' : ''] as [string, number, string]);
  const first = pool.starmapAsync(byWorker, items, 1);
  await until(() => runsOf(side, 0).length === 1, 20_000, () => `task 0 never started: ${side.runs().join(' ')}`);
  const victimPid = runsOf(side, 0)[0];
  const [victim, other] = victimPid === a.pid ? [a, b] : [b, a];
  assert.equal(victim.pid, victimPid, `task 0 ran in a child of a loom worker (${a.pid} or ${b.pid}), not of ${victimPid}`);
  const frozen = [victim.pid, ...descendantsOf(victim.pid)];
  signal(frozen, 'SIGSTOP');
  try {
    // Past the lease, the other worker's stalled check takes task 0 back, and the other worker runs it (held at its gate).
    await until(() => runsOf(side, 0).includes(other.pid), 20_000, () => `task 0 never ran again: ${side.runs().join(' ')}`);
  } finally {
    signal(frozen, 'SIGCONT');
  }
  // Thawed, the victim finishes its own run of task 0 first, while the other worker's is still held.
  open('open', victim.pid);
  await until(() => runsOf(side, 0, 'done').includes(victim.pid), 20_000, () => `the thawed worker never finished task 0: ${victim.output()}`);

  // It works again: with the other worker held at its gate, a later map can only run on the thawed one,
  // and it can take a new task only once it is done with task 0 (its late result offered and refused).
  const later = await pool.starmap(byWorker, [100, 101, 102, 103].map((x) => [side.dir, x, ''] as [string, number, string]), 1);
  assert.deepEqual(later, [100, 101, 102, 103].map((x) => [x, victim.pid]));
  let settled = false;
  first.wait().then(() => (settled = true), () => (settled = true));
  // The thawed worker said, in loom's words (not BullMQ's "Lock mismatch"), why its result was refused (its lock on the job had passed to the other worker).
  await until(() => /loom worker: the result of job \S+ came after its lease had passed to another worker: refused/.test(victim.output()), 10_000, () => `no refusal logged: ${victim.output()}`);
  assert.equal(settled, false, 'the first map settled while the only run of task 0 that may count is still held');

  open('open', other.pid);
  const values = await first.get(30);
  assert.deepEqual(values.map(([x]) => x), items.map(([, x]) => x), 'every result once, in order');
  assert.deepEqual(values[0], [0, other.pid], 'the value taken for task 0 is the other worker\'s, not the late one');
  for (let x = 1; x < 10; x++) assert.equal(runsOf(side, x).length, 1, `task ${x} ran ${runsOf(side, x).length} times`);
  assert.deepEqual(runsOf(side, 0, 'done').sort(), [victim.pid, other.pid].sort(), 'task 0 ran to the end twice, once on each worker');
});
