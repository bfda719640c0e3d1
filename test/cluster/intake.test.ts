/**
 * How many jobs a `loom worker` holds (internal/cluster/intake.ts): one per
 * process at the start of a burst, more once its tasks prove short (as a
 * local pool's hub sends short tasks ahead to its children), one per process
 * again when the queue runs dry. Jobs held ahead still run exactly once. The
 * other side of it, a call submitted right after others still being queued
 * (so cancel() works as locally), is parity.test.ts's cancel scenario.
 * CPython has the same idea in ProcessPoolExecutor (EXTRA_QUEUED_CALLS: calls
 * handed to the workers' queue ahead of a free process can no longer be
 * cancelled).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import IORedis from 'ioredis';
import { aheadFor, Intake } from '../../src/internal/cluster/intake.js';
import { Pool } from '../../src/index.js';
import { redisServerInstalled } from '../helpers/redis-server.js';
import { gated, SideChannel } from './tasks.js';
import { smallCluster, until } from './workers.js';

test('Intake: one job per process at first and after the queue runs dry, more once tasks prove short', () => {
  const applied: number[] = [];
  const intake = new Intake(2, (jobs) => applied.push(jobs));
  assert.equal(intake.jobs, 2);
  // Tasks that come back at once: their time falls from the first guess (10 ms) below the hub's thresholds.
  for (let i = 0; i < 80; i++) {
    intake.started(`j${i}`);
    intake.finished(`j${i}`);
  }
  assert.equal(intake.jobs, 2 * aheadFor(0));
  intake.drained();
  assert.equal(intake.jobs, 2);
  assert.deepEqual(applied, [2, 2 * aheadFor(9), 2 * aheadFor(1), 2 * aheadFor(0), 2]);
});

test('Intake: a job that never had a process (held ahead) gives no time, and frees nothing', () => {
  const intake = new Intake(1, () => {});
  intake.started('running');
  intake.started('ahead');
  intake.finished('ahead');
  assert.equal(intake.jobs, 1, 'the first guess still holds');
  intake.finished('running');
  assert.equal(intake.jobs, aheadFor(8)); // 10 * 0.8 + about 0 * 0.2
});

test('a worker holds jobs ahead of its one process after short tasks; each of them runs once', { skip: !redisServerInstalled() }, async () => {
  using side = new SideChannel();
  await using small = await smallCluster(1);
  using pool = new Pool({ backend: small.c });
  const redis = new IORedis(small.redis.url);
  try {
    const quick = Array.from({ length: 100 }, (_, i) => pool.applyAsync((x: number) => x * 2, [i]));
    const slow = ['g0', 'g1', 'g2'].map((name) => pool.applyAsync(gated, [side.dir, name]));
    await side.started(1, 'g0');
    // g0 runs in the worker's one process; the worker has taken g1 (and maybe g2) as well, ahead.
    await until(async () => (await redis.llen('loom:tasks:active')) >= 2, 20_000, () => 'the worker held no job ahead of its process');
    side.open();
    assert.deepEqual(await Promise.all(quick.map((r) => r.get())), Array.from({ length: 100 }, (_, i) => i * 2));
    assert.deepEqual(await Promise.all(slow.map((r) => r.get())), ['g0', 'g1', 'g2']);
    assert.deepEqual(['g0', 'g1', 'g2'].map((name) => side.runs(name).length), [1, 1, 1]);
  } finally {
    redis.disconnect();
  }
});
