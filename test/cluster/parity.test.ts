/**
 * The same scenarios on a local Pool / ProcessPoolExecutor and on the same
 * classes with a cluster backend (2 real `loom worker` processes x 2 child
 * processes each, as many slots as the local pools' 4 processes): the same
 * results, errors (class and message) and ordering. The scenarios mirror
 * CPython's test_multiprocessing (test_map, test_starmap, test_imap,
 * test_imap_unordered, test_apply, test_async with callbacks, test_terminate)
 * and test_concurrent_futures (submit, as_completed, wait, cancel).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cluster, type Cluster } from '../../src/distributed/index.js';
import { progressHooks, shipHooks, type ProgressStart } from '../../src/host/index.js';
import { asCompleted, CancelledError, FIRST_COMPLETED, Pool, PoolStateError, ProcessPoolExecutor, wait } from '../../src/index.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled, startRedis, type RunningRedis } from '../helpers/redis-server.js';
import { gated, SideChannel } from './tasks.js';
import { Workers } from './workers.js';

const installed = redisServerInstalled();

/** What an outcome looks like for comparing: the value, or the error's class and message. */
async function outcome(run: () => unknown): Promise<unknown> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error: (error as Error).name, message: (error as Error).message };
  }
}

class MyError extends Error {}

type Backend = { pool: () => Pool; executor: () => ProcessPoolExecutor };

/** Each scenario: a comparable summary of what the pool did. */
const scenarios: Record<string, (b: Backend) => Promise<unknown>> = {
  async 'map, chunked by default'(b) {
    using pool = b.pool();
    return await outcome(() => pool.map((x: number) => x * x, Array.from({ length: 100 }, (_, i) => i)));
  },
  async 'map with chunksize, and an empty map'(b) {
    using pool = b.pool();
    return [await pool.map((x: number) => x + 1, [1, 2, 3, 4, 5], 2), await pool.map((x: number) => x, [])];
  },
  async 'starmap'(b) {
    using pool = b.pool();
    return await outcome(() => pool.starmap((a: number, s: string) => `${s}${a}`, [[1, 'a'], [2, 'b'], [3, 'c']]));
  },
  async 'imap in order, imapUnordered as a set'(b) {
    using pool = b.pool();
    const ordered: number[] = [];
    for await (const r of pool.imap((x: number) => x * 3, [5, 1, 4, 2, 3])) ordered.push(r);
    const unordered: number[] = [];
    for await (const r of pool.imapUnordered((x: number) => -x, [5, 1, 4, 2, 3])) unordered.push(r);
    function* gen() { for (let i = 0; i < 7; i++) yield i; }
    const lazy: number[] = [];
    for await (const r of pool.imap((x: number) => x * 10, gen(), 2)) lazy.push(r);
    return [ordered, unordered.sort((a, b) => a - b), lazy];
  },
  async 'apply and applyAsync with callbacks'(b) {
    using pool = b.pool();
    const calls: unknown[] = [];
    const ok = pool.applyAsync((a: number, c: number) => a * c, [6, 7], { callback: (v) => calls.push(['callback', v]) });
    const bad = pool.applyAsync((): number => { throw new RangeError('too far'); }, [], { errorCallback: (e) => calls.push(['errorCallback', (e as Error).name, (e as Error).message]) });
    await ok.wait();
    await bad.wait();
    return [await pool.apply((s: string) => s.toUpperCase(), ['hi']), ok.successful(), bad.successful(), calls.sort()];
  },
  async 'a map whose function throws: the error, class and message'(b) {
    using pool = b.pool();
    return await outcome(() => pool.map((x: number) => { if (x === 7) throw new TypeError(`bad ${x}`); return x; }, Array.from({ length: 20 }, (_, i) => i), 1));
  },
  async 'values that v8 keeps and JSON does not'(b) {
    using pool = b.pool();
    const r = await pool.apply((m: Map<string, bigint>, d: Date, u: Uint8Array) => [new Map([...m].map(([k, v]) => [k, v * 2n])), d.getTime(), u.length, undefined, NaN], [new Map([['a', 2n ** 70n]]), new Date(5), new Uint8Array(3)]);
    return r;
  },
  async 'Sync twins in a busy loop'(b) {
    using pool = b.pool();
    const r = pool.applyAsync((x: number) => x + 1, [41]);
    while (!r.ready()) { /* busy: the event loop never runs */ }
    const m = pool.mapAsync((x: number) => x * 2, [1, 2, 3]);
    let spins = 0;
    while (!m.ready()) spins++;
    return [r.getSync(), m.getSync(), pool.mapSync((x: number) => x - 1, [1, 2]), pool.starmapSync((a: number, c: number) => a + c, [[1, 2]]), spins >= 0];
  },
  async 'executor: submit, asCompleted, wait, map'(b) {
    await using ex = b.executor();
    const futures = [3, 1, 2].map((x) => ex.submit((y: number) => y * 100, x));
    const seen: number[] = [];
    for await (const f of asCompleted(futures)) seen.push(await f.result());
    const { done } = await wait([ex.submit(() => 'w')], { returnWhen: FIRST_COMPLETED });
    const mapped: number[] = [];
    for await (const v of ex.map((a: number, c: number) => a - c, [10, 20, 30], [1, 2, 3])) mapped.push(v);
    const failed = await outcome(() => ex.submit(() => { throw new Error('nope'); }).result());
    const busy = ex.submit((x: number) => x, 9);
    while (!busy.done()) { /* busy */ }
    return [seen.sort((a, c) => a - c), done.size, mapped, failed, busy.resultSync()];
  },
  async 'executor: cancel of a queued call, the running ones finish'(b) {
    using side = new SideChannel();
    await using ex = b.executor();
    const running = [0, 1, 2, 3].map((i) => ex.submit(gated, side.dir, `run${i}`));
    const queued = ex.submit(gated, side.dir, 'queued');
    const cancelled = queued.cancel();
    side.open();
    const values = await Promise.all(running.map((f) => f.result()));
    return [cancelled, queued.cancelled(), await outcome(() => queued.result()), values, side.runs('queued').length];
  },
  async 'terminate: unfinished tasks fail with PoolStateError, the pool takes no more'(b) {
    using side = new SideChannel();
    const pool = b.pool();
    const result = pool.starmapAsync(gated, ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => [side.dir, name] as [string, string]), 1);
    await side.started(4);
    pool.terminate();
    const after = await outcome(() => pool.apply(() => 1));
    await pool.join();
    return [await outcome(() => result.get()), after];
  },
  async 'cell-style functions with their declarations'(b) {
    const previous = shipHooks.resolveDeclaration;
    shipHooks.resolveDeclaration = (name) => ({ rate: 'const rate = factor * 2;', factor: 'const factor = 21;', scale: 'function scale(x) { return x * rate; }', offset: { value: 1000 } } as Record<string, string | { value: unknown }>)[name];
    try {
      using pool = b.pool();
      const fn = new Function('return (x) => scale(x) + offset')() as (x: number) => number;
      return await pool.map(fn, [1, 2, 3]);
    } finally {
      shipHooks.resolveDeclaration = previous;
    }
  },
  async 'a thrown class the caller does not know, and a thrown non-Error'(b) {
    using pool = b.pool();
    const custom = await outcome(() => pool.apply(() => { class MyError extends Error { override name = 'MyError'; } throw new MyError('mine'); }));
    const value = await pool.apply(() => { throw 42; }).catch((v: unknown) => v);
    return [custom, value, new MyError('x') instanceof Error];
  },
};

describe('the same Pool and ProcessPoolExecutor, local and on a cluster', { skip: !installed }, () => {
  let redis: RunningRedis;
  let workers: Workers;
  let c: Cluster;
  const local: Record<string, unknown> = {};

  before(async () => {
    redis = await startRedis();
    workers = new Workers(redis.url);
    c = cluster(redis.url, { lease: 2 });
    await workers.startMany(c, 2, { processes: 2, lease: 2 });
  });

  after(async () => {
    await c?.close();
    await workers?.killAll();
    await redis?.stop();
    await waitForExit(descendantsOf(process.pid), 10_000);
  });

  const localBackend: Backend = { pool: () => new Pool(4), executor: () => new ProcessPoolExecutor(4) };
  const clusterBackend: Backend = { pool: () => new Pool({ backend: c }), executor: () => new ProcessPoolExecutor({ backend: c }) };

  for (const [name, scenario] of Object.entries(scenarios)) {
    test(name, async () => {
      local[name] = await scenario(localBackend);
      const remote = await scenario(clusterBackend);
      assert.deepEqual(remote, local[name]);
    });
  }

  test('a cluster pool is as big as the workers\' slots, and says so', () => {
    using pool = new Pool({ backend: c });
    assert.equal(pool.processes, 4);
    using two = new Pool({ processes: 2, backend: c });
    assert.equal(two.processes, 2);
  });

  test('the progress of a cluster map says how many processes on how many remote workers', async () => {
    const starts: ProgressStart[] = [];
    const previous = progressHooks.progress;
    progressHooks.progress = (start) => {
      starts.push(start);
      return { update() {}, finish() {} };
    };
    try {
      using pool = new Pool({ backend: c });
      await pool.map((x: number) => x, [1, 2, 3]);
    } finally {
      progressHooks.progress = previous;
    }
    assert.deepEqual(starts, [{ label: 'map', total: 3, workers: 4, workerKind: 'process', remoteWorkers: 2 }]);
  });

  test('expected values (so that both sides being wrong the same way still fails)', () => {
    assert.deepEqual(local['starmap'], { value: ['a1', 'b2', 'c3'] });
    assert.deepEqual(local['a map whose function throws: the error, class and message'], { error: 'TypeError', message: 'bad 7' });
    assert.deepEqual(local['cell-style functions with their declarations'], [1042, 1084, 1126]);
    const cancel = local['executor: cancel of a queued call, the running ones finish'] as unknown[];
    assert.deepEqual(cancel, [true, true, { error: 'CancelledError', message: 'the future was cancelled' }, ['run0', 'run1', 'run2', 'run3'], 0]);
    assert.deepEqual((local['terminate: unfinished tasks fail with PoolStateError, the pool takes no more'] as { error: string }[]).map((o) => o.error), ['PoolStateError', 'PoolStateError']);
    void CancelledError;
    void PoolStateError;
  });
});
