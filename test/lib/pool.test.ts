import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import {
  ArgumentValueError, BrokenWorkerError, currentProcess, FreeVariableError, NotShippableError, Pool, PoolStateError, Queue, TimeoutError,
} from '../../src/index.js';
import { assertNothingLeftAtEnd, childProcesses, openFds, osThreads } from './helpers.js';

assertNothingLeftAtEnd();

const tasks = `${__dirname}/fixtures/tasks.js`;

/** A task that keeps its worker busy for about `ms` milliseconds. */
const busyFor = (ms: number): number => { const end = Date.now() + ms; while (Date.now() < end); return ms; };

test('map, starmap, apply and imap run in worker processes and keep order', async () => {
  await using pool = new Pool(2);
  assert.equal(pool.processes, 2);
  assert.deepEqual(await pool.map((x: number) => x * x, [1, 2, 3, 4, 5]), [1, 4, 9, 16, 25]);
  assert.deepEqual(await pool.starmap((a: number, b: string) => b.repeat(a), [[2, 'x'], [1, 'y']]), ['xx', 'y']);
  const pid = await pool.apply(() => process.pid);
  assert.notEqual(pid, process.pid);
  assert.deepEqual(pool.mapSync((x: { n: number }) => ({ n: x.n + 1, at: new Date(0) }), [{ n: 1 }]), [{ n: 2, at: new Date(0) }]);
  const seen: number[] = [];
  for await (const value of pool.imap((x: number) => x * 2, [1, 2, 3])) seen.push(value);
  assert.deepEqual(seen, [2, 4, 6]);
  assert.deepEqual([...pool.imapUnordered((x: number) => x, [5])], [5]);
  assert.match(await pool.apply(() => currentProcess().name), /^PoolWorker-\d+$/);
});

test('a module export runs by {filename, name}, with its imports, sync or async', async () => {
  await using pool = new Pool(1);
  assert.deepEqual(await pool.map({ filename: tasks, name: 'square' }, [2, 3]), [4, 9]);
  assert.deepEqual(await pool.map({ filename: tasks, name: 'later' }, [1]), [2]);
  assert.equal(typeof (await pool.apply({ filename: tasks, name: 'cpuModel' })), 'string');
});

test('mapAsync: ready() turns true inside a busy loop that never yields; get and wait take timeouts', async () => {
  await using pool = new Pool(2);
  const result = pool.mapAsync((n: number) => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }, [1e6, 2e6]);
  while (!result.ready());
  assert.equal(result.successful(), true);
  assert.deepEqual(result.getSync(), [499999500000, 1999999000000]);
  const slow = pool.applyAsync(busyFor, [300]);
  await assert.rejects(slow.get(0.01), TimeoutError);
  assert.throws(() => slow.getSync(0.01), TimeoutError);
  await slow.wait(0.01);
  assert.equal(await slow.get(), 300);
});

test('errors keep their class and the worker\'s stack; callbacks are called', async () => {
  await using pool = new Pool(1);
  await assert.rejects(pool.apply(() => { throw new RangeError('far'); }), (e: Error) => e instanceof RangeError && e.message === 'far' && /far/.test((e.cause as Error).stack!));
  await assert.rejects(pool.apply(() => { class Custom extends Error { override name = 'Custom'; } throw new Custom('mine'); }), (e: Error) => e.name === 'Custom' && (e as { code?: string }).code === 'ERR_LOOM_REMOTE');
  const got = await new Promise((resolve) => pool.mapAsync((x: number) => x + 1, [1, 2], { callback: resolve }));
  assert.deepEqual(got, [2, 3]);
  const failure = await new Promise<Error>((resolve) => pool.applyAsync(() => { throw new Error('nope'); }, [], { errorCallback: (e) => resolve(e as Error) }));
  assert.equal(failure.message, 'nope');
});

test('a worker that dies mid-map fails its task with BrokenWorkerError, is replaced, and the other tasks complete', async () => {
  await using pool = new Pool(2);
  const results = pool.imap((x: number) => { if (x === 3) process.exit(9); return x; }, [1, 2, 3, 4, 5, 6]);
  const seen: (number | string)[] = [];
  for (;;) {
    try {
      const next = await results.next();
      if (next.done) break;
      seen.push(next.value);
    } catch (error) {
      assert.ok(error instanceof BrokenWorkerError, String(error));
      assert.match((error as Error).message, /exited with code 9/);
      seen.push('broken');
    }
  }
  assert.deepEqual(seen, [1, 2, 'broken', 4, 5, 6]);
  assert.deepEqual(await pool.map((x: number) => x * 2, [1, 2, 3]), [2, 4, 6]);
});

test('abort, SIGKILL and running out of memory each fail only their task', async () => {
  await using pool = new Pool({ processes: 2, execArgv: ['--max-old-space-size=32'] });
  const outcomes = await Promise.allSettled([
    pool.apply(() => process.abort()),
    pool.apply(() => process.kill(process.pid, 'SIGKILL')),
    pool.apply(() => { const hog: number[][] = []; for (;;) hog.push(new Array(1e5).fill(1)); }),
    pool.apply(() => 'fine'),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected', 'fulfilled']);
  for (const outcome of outcomes.slice(0, 3)) assert.ok((outcome as PromiseRejectedResult).reason instanceof BrokenWorkerError);
  assert.match(((outcomes[1] as PromiseRejectedResult).reason as Error).message, /killed by SIGKILL/);
  assert.equal(await pool.apply(() => 'still here'), 'still here');
});

test('maxtasksperchild replaces a worker after that many tasks', async () => {
  await using pool = new Pool({ processes: 1, maxtasksperchild: 2 });
  const pids = await pool.map(() => process.pid, [1, 2, 3, 4, 5, 6], { chunksize: 1 });
  assert.equal(new Set(pids).size, 3);
});

test('initializer runs in each worker with initargs; a throwing one fails the tasks with BrokenWorkerError', async () => {
  {
    await using pool = new Pool({ processes: 1, initializer: (name: string) => { (globalThis as Record<string, unknown>).greeting = `hello ${name}`; }, initargs: ['pool'] });
    assert.equal(await pool.apply(() => (globalThis as Record<string, unknown>).greeting), 'hello pool');
  }
  await using broken = new Pool({ processes: 1, initializer: () => { throw new Error('no init'); } });
  await assert.rejects(broken.apply(() => 1), (e: Error) => e instanceof BrokenWorkerError && /no init/.test(e.message));
});

test('bad arguments throw at once, naming the argument and the value', () => {
  assert.throws(() => new Pool({ processes: 0 }), (e: Error) => e instanceof ArgumentValueError && e.message === "'processes' must be at least 1; got 0");
  assert.throws(() => new Pool(-2), /'processes' must be at least 1; got -2/);
  assert.throws(() => new Pool({ maxtasksperchild: 0 }), /'maxtasksperchild' must be at least 1; got 0/);
  assert.throws(() => new Pool({ initializer: 'x' as never }), /'initializer' must be a function/);
  using pool = new Pool(1);
  assert.throws(() => pool.apply('not a function' as never), /'fn' must be a function, or \{filename, name\}.*got 'not a function'/);
  // A threading Queue stays in this process (a Lock now reaches processes: mp-sync.test.ts).
  assert.throws(() => pool.apply((q: Queue) => q, [new Queue()]), (e: Error) => e instanceof NotShippableError && /args\[0\] is a Queue, which lives in shared memory/.test(e.message));
  const outside = 5;
  assert.throws(() => pool.apply(() => outside), (e: Error) => e instanceof FreeVariableError && /not visible in the worker/.test(e.message));
  assert.throws(() => pool.join(), PoolStateError);
});

test('terminate during a map fails it and leaves no process', async () => {
  const pool = new Pool(2);
  const pids = await pool.map(() => process.pid, [1, 2], { chunksize: 1 });
  const map = pool.map(() => { for (;;); }, [1, 2, 3, 4]);
  pool.terminate();
  await assert.rejects(map, PoolStateError);
  await pool.join();
  assert.deepEqual(childProcesses().filter((pid) => pids.includes(pid)), []);
});

test('close lets queued tasks finish, then join waits for the workers to exit', async () => {
  const pool = new Pool(2);
  const result = pool.mapAsync((x: number) => x + 1, [1, 2, 3], { chunksize: 1 });
  pool.close();
  assert.throws(() => pool.apply(() => 1), PoolStateError);
  await pool.join();
  assert.deepEqual(result.getSync(), [2, 3, 4]);
  const other = new Pool(1);
  other.close();
  other.joinSync();
});

test('50 pools made and closed in a loop leave no thread, process or file descriptor behind', async () => {
  const fds = openFds();
  const threads = osThreads();
  for (let i = 0; i < 50; i++) {
    const pool = new Pool(1);
    if (i % 10 === 0) assert.equal(await pool.apply((x: number) => x, [i]), i);
    pool.close();
    await pool.join();
  }
  const deadline = Date.now() + 5000;
  while ((childProcesses().length > 0 || osThreads() > threads || openFds() > fds) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(childProcesses(), []);
  assert.ok(osThreads() <= threads, `threads ${osThreads()} > ${threads}`);
  assert.ok(openFds() <= fds, `fds ${openFds()} > ${fds}`);
});

test('a worker loading an unguarded script that starts a pool is refused, never a fork bomb', () => {
  const run = spawnSync(process.execPath, [`${__dirname}/fixtures/unguarded.js`], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^error ERR_LOOM_RECURSIVE_SPAWN a Pool was started while a loom worker was loading .*unguarded\.js.*require\.main === module/);
});

test('a worker that dies after close() is replaced while queued tasks remain', async () => {
  const pool = new Pool(1);
  const results = pool.imap((x: number) => { if (x === 1) process.exit(1); return x; }, [1, 2, 3]);
  pool.close();
  await assert.rejects(results.next(), BrokenWorkerError);
  assert.deepEqual(await results.next(), { done: false, value: 2 });
  assert.deepEqual(await results.next(), { done: false, value: 3 });
  await pool.join();
});
