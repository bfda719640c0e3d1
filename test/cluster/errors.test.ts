/**
 * Errors on a cluster, as the caller sees them. A task's thrown error is not
 * retried and comes back with its class, message and the remote stack as
 * `cause` (CPython's test_multiprocessing test_async_error_callback and the
 * RemoteTraceback its pool attaches as __cause__); a task whose process dies
 * fails with BrokenWorkerError (test_concurrent_futures' test_crash's
 * BrokenProcessPool, without the pool breaking for good, as loom's local
 * pools); what cannot live remotely is refused at submit, naming it; Redis
 * unreachable is a BackendError naming the URL without its password.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BackendError, cluster, NotShippableError, type Cluster } from '../../src/distributed/index.js';
import { shipHooks } from '../../src/host/index.js';
import { BrokenWorkerError, Lock, Pool, ProcessPoolExecutor, RemoteError, TimeoutError, multiprocessing } from '../../src/index.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { freePort, redisServerInstalled, startRedis, type RunningRedis } from '../helpers/redis-server.js';
import { Workers } from './workers.js';

const installed = redisServerInstalled();

describe('errors of tasks run on a cluster', { skip: !installed }, () => {
  let redis: RunningRedis;
  let workers: Workers;
  let c: Cluster;
  let pool: Pool;

  before(async () => {
    redis = await startRedis({ password: 'hunter2' });
    workers = new Workers(redis.url);
    c = cluster(redis.url, { lease: 2 });
    await workers.startMany(c, 2, { processes: 1, lease: 2 });
    pool = new Pool({ backend: c });
  });

  after(async () => {
    pool?.terminate();
    await c?.close();
    await workers?.killAll();
    await redis?.stop();
    await waitForExit(descendantsOf(process.pid), 10_000);
  });

  test('thrown errors of several classes keep class and message, with the remote stack as cause', async () => {
    const cases: [() => unknown, Function, string][] = [
      [() => { throw new TypeError('not a number'); }, TypeError, 'not a number'],
      [() => { throw new RangeError('too big'); }, RangeError, 'too big'],
      [() => { throw new TimeoutError('loom\'s own'); }, TimeoutError, 'loom\'s own'],
      [function remoteThrower() { class Custom extends Error { override name = 'Custom'; } throw new Custom('custom'); }, RemoteError, 'custom'],
    ];
    for (const [fn, cls, message] of cases) {
      const error = await pool.apply(fn).then(() => assert.fail('no error'), (e: unknown) => e as Error);
      assert.ok(error instanceof cls, `${error.name} is not a ${cls.name}`);
      assert.equal(error.message, message);
      const cause = error.cause as Error;
      assert.ok(cause instanceof Error, 'the remote stack is the cause');
      assert.match(String(cause.stack), new RegExp(message));
      assert.match(String(cause.stack), /\n\s+at /);
    }
  });

  test('the remote frames name the task function', async () => {
    const error = await pool.apply(function deepInside() { throw new Error('here'); }).catch((e: Error) => e);
    assert.match(String((error.cause as Error).stack), /deepInside/);
  });

  test('a task calling process.exit fails with BrokenWorkerError; the pool goes on', async () => {
    await assert.rejects(pool.apply(() => process.exit(3)), BrokenWorkerError);
    assert.equal(await pool.apply((x: number) => x + 1, [1]), 2);
    using ex = new ProcessPoolExecutor({ backend: c });
    await assert.rejects(ex.submit(() => process.exit(1)).result(), BrokenWorkerError);
  });

  test('an npm package missing on the worker: an error naming the package and the worker', async () => {
    const error = await pool.apply(() => require('left-pad-not-installed-anywhere')).catch((e: Error) => e);
    assert.match(error.message, /the package 'left-pad-not-installed-anywhere' is not installed on worker [^ ]+:\d+/);
    const pids = (await c.workers()).map((w) => String(w.pid));
    assert.ok(pids.some((pid) => error.message.includes(`:${pid} `)), error.message);
  });

  test('a local Lock, Value, Queue or Event as an argument is refused at submit, naming it', () => {
    assert.throws(() => pool.applyAsync((l: unknown) => l, [new Lock()]), (e: Error) => e instanceof NotShippableError && /args\[0\] is a Lock/.test(e.message));
    assert.throws(() => pool.applyAsync((o: unknown) => o, [{ deep: [1, new multiprocessing.Queue()] }]), (e: Error) => e instanceof NotShippableError && /args\[0\]\.deep\[1\] is a .*Queue/.test(e.message));
    assert.throws(() => pool.map((x: unknown) => x, [1, new Int32Array(new SharedArrayBuffer(4))]), (e: Error) => e instanceof NotShippableError && /shared memory/.test(e.message));
  });

  test('a cell declaration holding a local Lock is refused at submit, naming the variable', () => {
    const previous = shipHooks.resolveDeclaration;
    const lock = new Lock();
    shipHooks.resolveDeclaration = (name) => (name === 'guard' ? { value: lock } : undefined);
    try {
      const fn = new Function('return () => guard.locked()')() as () => boolean;
      assert.throws(() => pool.applyAsync(fn), (e: Error) => e instanceof NotShippableError && /guard .*is a Lock/.test(e.message));
    } finally {
      shipHooks.resolveDeclaration = previous;
    }
  });

  test('no error or worker listing shows the password', async () => {
    const error = await pool.apply(() => { throw new Error('x'); }).catch((e: Error) => e);
    assert.doesNotMatch(`${error.stack} ${(error.cause as Error).stack} ${JSON.stringify(await c.workers())} ${c.url}`, /hunter2/);
    for (const w of workers.list) assert.doesNotMatch(w.output(), /hunter2/);
  });
});

describe('Redis unreachable', { skip: !installed }, () => {
  test('at submit: BackendError naming the URL without its password, within the connect timeout', async () => {
    const port = await freePort();
    await using c = cluster(`redis://:s3cret@127.0.0.1:${port}`, { connectTimeout: 1 });
    using pool = new Pool({ processes: 2, backend: c });
    const error = await pool.map((x: number) => x, [1, 2, 3]).catch((e: Error) => e);
    assert.ok(error instanceof BackendError, String(error));
    assert.match(error.message, new RegExp(`redis://\\*\\*\\*@127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(`${error.message} ${error.stack}`, /s3cret/);
    await assert.rejects(c.workers(), BackendError);
    // Without a size, the pool asks for the workers' slots at once, and fails the same way.
    assert.throws(() => new Pool({ backend: c }), (e: Error) => e instanceof BackendError && !/s3cret/.test(e.message));
  });
});
