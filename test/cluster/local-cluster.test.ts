/**
 * localCluster(): a redis-server and `loom worker` processes on this machine
 * (Dask's LocalCluster), what the chapter's 13.5 notebook runs its cluster
 * cells on. A worker killed mid-map has its task run again on the other; close
 * leaves nothing; and nothing it started outlives its owner, even a SIGKILLed one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BackendError, localCluster, type Queue } from '../../src/distributed/index.js';
import { Pool } from '../../src/index.js';
import { descendantsOf, isAlive, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled } from '../helpers/redis-server.js';

const installed = redisServerInstalled('the local cluster tests');

describe('localCluster', { skip: !installed }, () => {
  test('two workers; one killed mid-map: every result once, its task run again on the other; close leaves nothing', async () => {
    const local = await localCluster({ workers: 2, lease: 1 });
    try {
      assert.equal(local.workerPids.length, 2);
      assert.deepEqual((await local.cluster.workers()).map((w) => w.pid).sort(), [...local.workerPids].sort());
      const started = local.cluster.Queue<{ value: number; worker: number }>('started');
      using pool = new Pool({ backend: local.cluster });
      const slow = (queue: Queue<{ value: number; worker: number }>, value: number): number => {
        queue.putSync({ value, worker: process.ppid }); // the worker is the parent of the process running the task
        const end = Date.now() + 300;
        while (Date.now() < end);
        return value * value;
      };
      const values = [1, 2, 3, 4, 5, 6, 7, 8];
      const result = pool.starmapAsync(slow, values.map((v) => [started, v] as [typeof started, number]), { chunksize: 1 });
      const first = await started.get({ timeout: 30 });
      await local.killWorker(first.worker);
      assert.deepEqual(await result.get(60), values.map((v) => v * v));
      const runs = [first];
      while (!(await started.empty())) runs.push(await started.get());
      const ranTwice = values.filter((v) => runs.filter((r) => r.value === v).length > 1);
      assert.ok(ranTwice.includes(first.value), `the killed worker's task ran again (runs: ${JSON.stringify(runs)})`);
      assert.ok(runs.filter((r) => r.value !== first.value).every((r) => values.includes(r.value)));
    } finally {
      await local.close();
    }
    await waitForExit(descendantsOf(process.pid), 10_000);
  });

  test('bad options are refused before anything starts', async () => {
    await assert.rejects(localCluster({ workers: 0 }), /workers/);
    await assert.rejects(localCluster({ lease: -1 }), /lease/);
    assert.ok(BackendError);
  });

  test('nothing it started outlives its owner, even one killed with SIGKILL', async () => {
    const owner = spawn(process.execPath, [join(__dirname, 'fixtures', 'local-cluster-owner.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(owner.stdout!, 'data')) as [Buffer];
    const started = JSON.parse(line.toString()) as number[];
    assert.ok(started.length >= 3, `redis-server, a worker and their tethers: ${started.join(', ')}`);
    owner.kill('SIGKILL');
    await once(owner, 'exit');
    await waitForExit(started, 10_000);
    assert.deepEqual(started.filter(isAlive), []);
  });
});
