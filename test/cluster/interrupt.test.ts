/**
 * An interrupt from the notebook (interruptWork(tag), what the kernel calls
 * on Kernel > Interrupt) stops a cluster pool's tasks of that tag: the queued
 * ones are removed from Redis, the running ones stopped on their worker (a
 * pub/sub message; the worker's local pool kills the child running it and
 * replaces it); each fails with Interrupted, and other work goes on. As
 * test/lib/interrupt-work.test.ts does for local pools (CPython: a
 * KeyboardInterrupt in the caller of pool.map).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { interruptWork } from '../../src/host/index.js';
import { Interrupted, Pool } from '../../src/index.js';
import { tagWork, under } from '../helpers/output-tags.js';
import { descendantsOf, isAlive, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled } from '../helpers/redis-server.js';
import { gated, SideChannel } from './tasks.js';
import { smallCluster } from './workers.js';

tagWork();
after(() => waitForExit(descendantsOf(process.pid), 10_000));

/** The pid of the child that ran `name` (from its run file). */
function pidOf(side: SideChannel, name: string): number {
  return Number(side.runs(name)[0].split('-')[1]);
}

test('interruptWork(tag) on a cluster pool: running and queued tasks of the tag fail with Interrupted, others go on', { skip: !redisServerInstalled() }, async () => {
  using side = new SideChannel();
  await using small = await smallCluster(2);
  const { c } = small;
  using pool = new Pool({ backend: c });
  const other = under('b', () => pool.applyAsync(gated, [side.dir, 'other']));
  await side.started(1, 'other');
  const running = under('a', () => pool.applyAsync(gated, [side.dir, 'running']));
  await side.started(1, 'running');
  const queued = under('a', () => pool.applyAsync(gated, [side.dir, 'queued']));
  const runningPid = pidOf(side, 'running');
  interruptWork('a');
  await assert.rejects(running.get(), Interrupted);
  await assert.rejects(queued.get(), Interrupted);
  await waitForExit([runningPid], 10_000);
  assert.ok(isAlive(pidOf(side, 'other')), 'the other tag\'s task was stopped');
  side.open();
  assert.equal(await other.get(), 'other');
  assert.equal(await pool.apply((x: number) => x + 1, [1]), 2);
  assert.equal(side.runs('queued').length, 0, 'the queued task ran');
});
