/**
 * `loom worker` as a process: it registers itself (c.workers(): id, host,
 * pid, slots, versions); on SIGTERM it finishes the task it runs, leaves the
 * registry and exits 0, and its children go with it. A plain Pool never loads
 * the cluster's machinery (BullMQ, ioredis). Bad command lines and bad
 * cluster() arguments are refused with clear messages.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { after, test } from 'node:test';
import { BackendError, cluster } from '../../src/distributed/index.js';
import { ArgumentTypeError, ArgumentValueError, Pool, ProcessPoolExecutor } from '../../src/index.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled, startRedis } from '../helpers/redis-server.js';
import { gated, SideChannel } from './tasks.js';
import { until, Workers } from './workers.js';

const installed = redisServerInstalled();
const ROOT = resolve(__dirname, '..', '..', '..');

after(() => waitForExit(descendantsOf(process.pid), 10_000));

test('a worker registers itself, and on SIGTERM finishes its task, leaves and exits with its children', { skip: !installed }, async () => {
  using side = new SideChannel();
  await using redis = await startRedis();
  await using workers = new Workers(redis.url);
  await using c = cluster(redis.url, { lease: 1 });
  const [worker] = await workers.startMany(c, 1, { processes: 2, lease: 1 });
  const [info] = await c.workers();
  assert.equal(info.pid, worker.pid);
  assert.equal(info.slots, 2);
  assert.equal(info.versions.node, process.versions.node);
  assert.equal(info.versions.v8, process.versions.v8);
  assert.match(info.id, new RegExp(`^${info.host}:${worker.pid}:`));
  using pool = new Pool({ backend: c });
  const result = pool.applyAsync(gated, [side.dir, 'last']);
  await side.started(1);
  const children = descendantsOf(worker.pid);
  assert.ok(children.length >= 2, 'its local pool runs the tasks in child processes');
  const exited = new Promise<number | null>((done) => worker.child.once('exit', (code) => done(code)));
  worker.child.kill('SIGTERM');
  side.open();
  assert.equal(await result.get(), 'last');
  assert.equal(await exited, 0);
  await waitForExit(children, 10_000);
  await until(async () => (await c.workers()).length === 0, 5_000, () => 'still registered');
});

test('closing a cluster with tasks still out fails them with BackendError: nothing hangs', { skip: !installed }, async () => {
  using side = new SideChannel();
  await using redis = await startRedis();
  await using workers = new Workers(redis.url);
  const c = cluster(redis.url, { lease: 1 });
  await workers.startMany(c, 1, { processes: 1, lease: 1 });
  using pool = new Pool({ backend: c });
  const result = pool.applyAsync(gated, [side.dir, 'cut']);
  await side.started(1);
  await c.close();
  await assert.rejects(result.get(), (e: Error) => e instanceof BackendError && /closed before this task finished/.test(e.message));
  assert.throws(() => new Pool({ backend: c }), BackendError);
  side.open();
});

test('a plain Pool (and loom itself) never loads BullMQ or ioredis', () => {
  const script = `
    const { Pool } = require(${JSON.stringify(resolve(ROOT, 'dist/src/index.js'))});
    const pool = new Pool(1);
    pool.apply((x) => x + 1, [1]).then((v) => {
      pool.terminate();
      const loaded = Object.keys(require.cache).filter((f) => /node_modules\\/(bullmq|ioredis)\\//.test(f));
      console.log(JSON.stringify({ v, loaded }));
    });`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.deepEqual(JSON.parse(run.stdout), { v: 2, loaded: [] }, run.stderr);
});

test('loom worker: bad command lines exit 2 with the usage', () => {
  for (const args of [[], ['http://x'], ['redis://x', '--processes', '0'], ['redis://x', '--nope']]) {
    const run = spawnSync(process.execPath, [resolve(ROOT, 'bin/loom.js'), 'worker', ...args], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 2, `${args.join(' ')}: exit ${run.status}`);
    assert.match(run.stderr, /loom worker/);
  }
});

test('cluster(): bad arguments are refused, the password never shown', async () => {
  assert.throws(() => cluster(42 as never), ArgumentTypeError);
  assert.throws(() => cluster('http://:pw@host'), (e: Error) => e instanceof ArgumentValueError && !/pw/.test(e.message));
  assert.throws(() => cluster('redis://h', { lease: 0 }), ArgumentValueError);
  assert.throws(() => cluster('redis://h', { secret: '' }), ArgumentValueError);
  assert.throws(() => new Pool({ backend: {} as never }), ArgumentTypeError);
  // What a cluster's workers cannot honour is refused rather than ignored (nothing connects).
  await using c = cluster('redis://127.0.0.1:1');
  assert.throws(() => new Pool({ backend: c, initializer: () => {} }), ArgumentValueError);
  assert.throws(() => new Pool({ backend: c, maxtasksperchild: 2 }), ArgumentValueError);
  assert.throws(() => new ProcessPoolExecutor({ backend: c, execArgv: [] }), ArgumentValueError);
});
