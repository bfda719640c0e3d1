/**
 * A task whose worker is killed, then killed again where it ran next, fails
 * with BrokenWorkerError: a task runs at least once and at most twice
 * (BullMQ's maxStalledCount 1 on the workers). As CPython's
 * test_concurrent_futures test_crash, where a dying worker process gives
 * BrokenProcessPool; here the pool goes on.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { BrokenWorkerError, Pool } from '../../src/index.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled } from '../helpers/redis-server.js';
import { gated, SideChannel } from './tasks.js';
import { smallCluster, type WorkerProcess } from './workers.js';

after(() => waitForExit(descendantsOf(process.pid), 10_000));

/** Waits for the `nth` run, then kills the worker (of `workers`) whose child runs it, with its children; returns it. */
async function killRunner(side: SideChannel, workers: WorkerProcess[], nth: number): Promise<WorkerProcess> {
  await side.started(nth, 'doomed');
  const children = new Map(workers.flatMap((w) => descendantsOf(w.pid).map((pid) => [pid, w] as const)));
  const runner = side.runs('doomed').map((file) => children.get(Number(file.split('-')[1]))).find((w) => w !== undefined);
  assert.ok(runner, 'no live worker runs the task');
  const pids = [runner.pid, ...descendantsOf(runner.pid)];
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  await waitForExit(pids, 10_000);
  return runner;
}

test('a task lost twice (its worker killed, then the next one) fails with BrokenWorkerError; the pool goes on', { skip: !redisServerInstalled() }, async () => {
  using side = new SideChannel();
  await using small = await smallCluster(3);
  const { c, started } = small;
  using pool = new Pool({ backend: c });
  const doomed = pool.applyAsync(gated, [side.dir, 'doomed']);
  const first = await killRunner(side, started, 1);
  const second = await killRunner(side, started.filter((w) => w !== first), 2);
  await assert.rejects(doomed.get(), (e: Error) => e instanceof BrokenWorkerError && /lost twice/.test(e.message));
  assert.equal(side.runs('doomed').length, 2, 'it ran twice, no more');
  const survivor = started.find((w) => w !== first && w !== second)!;
  assert.ok(descendantsOf(survivor.pid).length > 0);
  assert.equal(await pool.apply((x: number) => x * 3, [3]), 9);
});
