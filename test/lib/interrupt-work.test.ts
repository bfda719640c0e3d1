/**
 * interruptWork(tag) in a plain script, without the kernel: a host names work
 * with outputHooks.outputTag and stops what it started under one tag. Tasks say
 * they started (and where) through a multiprocessing Queue, and block their
 * worker for ten minutes: a task that was not stopped would keep its worker.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { interruptWork } from '../../src/host/index.js';
import { Interrupted, multiprocessing, Pool, Process, Thread, ThreadPool, ThreadPoolExecutor } from '../../src/index.js';
import { under, tagWork } from '../helpers/output-tags.js';
import { isAlive, waitForExit } from '../helpers/processes.js';
import { assertNothingLeftAtEnd, openGate } from './helpers.js';

assertNothingLeftAtEnd();

tagWork();

/** Tells `started` where it runs, then blocks its worker for ten minutes. */
const slow = (started: multiprocessing.Queue<string>): void => {
  started.putSync(`${process.pid}:${require('node:worker_threads').threadId}`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);
};

/** Tells `started`, then waits for the gate and returns what it got. */
const gated = (started: multiprocessing.Queue<string>, gate: multiprocessing.Queue<string>): string => {
  started.putSync(`${process.pid}:gated`);
  return `got ${gate.getSync()}`;
};

test('a process pool: the tag\'s running task loses its worker, its queued task is cancelled, other work goes on', async () => {
  const started = new multiprocessing.Queue<string>();
  const gate = new multiprocessing.Queue<string>();
  await using pool = new Pool(2);
  const other = under('b', () => pool.applyAsync(gated, [started, gate]));
  const otherPid = Number((await started.get()).split(':')[0]);
  const running = under('a', () => pool.applyAsync(slow, [started]));
  const queued = under('a', () => pool.applyAsync(slow, [started]));
  const runningPid = Number((await started.get()).split(':')[0]);
  interruptWork('a');
  await assert.rejects(running.get(), Interrupted);
  await assert.rejects(queued.get(), (error: Interrupted) => error.code === 'ERR_LOOM_INTERRUPTED');
  await waitForExit([runningPid]);
  assert.ok(isAlive(otherPid), 'the other tag\'s worker was stopped');
  // A replacement worker takes new work; the queued task never started (it would hold it).
  assert.equal(await pool.apply((x: number) => x + 1, [1]), 2);
  assert.equal(started.qsize(), 0);
  gate.putSync('go');
  assert.equal(await other.get(), 'got go');
});

test('a thread pool: the tag\'s tasks stop, the pool goes on with new threads', async () => {
  const started = new multiprocessing.Queue<string>();
  const pool = new ThreadPool(2);
  const mapped = under('a', () => pool.mapAsync(slow, [started, started, started], 1));
  const threads = [await started.get(), await started.get()].map((place) => place.split(':')[1]);
  interruptWork('a');
  await assert.rejects(mapped.get(), Interrupted);
  const next = await pool.map(() => String(require('node:worker_threads').threadId), [1, 2, 3, 4], 1);
  for (const id of next) assert.ok(!threads.includes(id), `thread ${id} ran an interrupted task`);
  assert.equal(started.qsize(), 0);
  pool.close();
  await pool.join();
});

test('a Process started under the tag is terminated; one started under another tag runs on', async () => {
  const started = new multiprocessing.Queue<string>();
  const gate = new multiprocessing.Queue<string>();
  const stopped = under('a', () => new Process({ target: slow, args: [started] }));
  const other = under('b', () => new Process({ target: gated, args: [started, gate] }));
  under('a', () => stopped.start());
  under('b', () => other.start());
  await started.get();
  await started.get();
  interruptWork('a');
  await stopped.join();
  assert.equal(stopped.exitCode, -15);
  assert.ok(other.isAlive());
  gate.putSync('go');
  await other.join();
  assert.equal(other.exitCode, 0);
  // An interrupt of a tag with no work left is harmless.
  interruptWork('a');
});

/**
 * Work made in a Thread (issue 21): interruptWork(tag) in the main thread
 * reaches it, though the thread is blocked in a Sync call all along. The
 * thread tags what it starts by setting its own outputHooks.outputTag, as the
 * kernel's thread preload does; its target requires loom/host by path.
 */
const HOST = require.resolve('../../src/host/index.js');

test('a process pool and a Process made in a Thread blocked in mapSync and joinSync: their work stops, the map fails as interrupted', async () => {
  const started = new multiprocessing.Queue<string>();
  const said = new multiprocessing.Queue<string>();
  const thread = new Thread({
    target: (host: string, started: multiprocessing.Queue<string>, said: multiprocessing.Queue<string>) => {
      require(host).outputHooks.outputTag = () => 'a';
      const slowTask = (started: multiprocessing.Queue<string>): void => {
        started.putSync(`${process.pid}:${require('node:worker_threads').threadId}`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);
      };
      const pool = new Pool(2);
      try {
        pool.mapSync(slowTask, [started, started, started], 1);
        said.putSync('map: no error');
      } catch (error) {
        said.putSync(`map: ${(error as Error).name}`);
      }
      // The third task was cancelled: the replacement workers take new work at once.
      said.putSync(`next: ${pool.mapSync((x: number) => x * 2, [1, 2], 1)}`);
      pool.terminate();
      const child = new Process({ target: slowTask, args: [started] });
      child.start();
      child.joinSync();
      said.putSync(`process: ${child.exitCode}`);
    },
    args: [HOST, started, said],
  });
  thread.start();
  const workers = [await started.get(), await started.get()].map((place) => Number(place.split(':')[0]));
  interruptWork('a');
  assert.equal(await said.get(), 'map: Interrupted');
  await waitForExit(workers);
  assert.equal(await said.get(), 'next: 2,4');
  const child = Number((await started.get()).split(':')[0]);
  interruptWork('a');
  assert.equal(await said.get(), 'process: -15');
  assert.ok(!isAlive(child));
  await thread.join();
  assert.equal(started.qsize(), 0);
});

test('a ThreadPool and a ThreadPoolExecutor made in a Thread blocked in getSync: their tasks stop, new ones run on new threads', async () => {
  const started = new multiprocessing.Queue<string>();
  const said = new multiprocessing.Queue<string>();
  const thread = new Thread({
    target: async (host: string, started: multiprocessing.Queue<string>, said: multiprocessing.Queue<string>) => {
      require(host).outputHooks.outputTag = () => 'a';
      const slowTask = (started: multiprocessing.Queue<string>): void => {
        started.putSync(`${process.pid}:${require('node:worker_threads').threadId}`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);
      };
      const whereAmI = (): number => require('node:worker_threads').threadId;
      const outcome = (wait: () => unknown): string => {
        try {
          return `value ${String(wait())}`;
        } catch (error) {
          return (error as Error).name;
        }
      };
      const outcomeAsync = async (wait: () => Promise<unknown>): Promise<string> => {
        try {
          return `value ${String(await wait())}`;
        } catch (error) {
          return (error as Error).name;
        }
      };
      const pool = new ThreadPool(1);
      const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
      const mapped = pool.mapAsync(slowTask, [started, started], 1);
      const future = executor.submit(slowTask, started);
      said.putSync(`map: ${outcome(() => mapped.getSync())}`);
      said.putSync(`future: ${outcome(() => future.resultSync())}`);
      // One thread each: had the old ones lived, these would wait ten minutes (and time out here).
      // Awaited: piscina starts a terminated thread's replacement on this thread's event loop.
      said.putSync(await outcomeAsync(() => pool.applyAsync(whereAmI).get(10)));
      said.putSync(await outcomeAsync(() => executor.submit(whereAmI).result(10)));
      pool.terminate();
      executor.shutdownSync();
    },
    args: [HOST, started, said],
  });
  thread.start();
  const threads = [await started.get(), await started.get()].map((place) => place.split(':')[1]);
  interruptWork('a');
  assert.equal(await said.get(), 'map: Interrupted');
  assert.equal(await said.get(), 'future: Interrupted');
  for (const next of [await said.get(), await said.get()]) {
    const id = /^value (\d+)$/.exec(next)?.[1];
    assert.ok(id !== undefined && !threads.includes(id), `${next}: an interrupted task's thread ran on (${threads})`);
  }
  await thread.join();
  assert.equal(started.qsize(), 0);
});

test('a Thread busy in a loop: its thread pool stops when the loop polls, its process pool at once though the loop never polls', async () => {
  const started = new multiprocessing.Queue<string>();
  const said = new multiprocessing.Queue<string>();
  // [0]: set by the test to let the thread's second loop (which asks loom nothing) end.
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const thread = new Thread({
    target: (host: string, started: multiprocessing.Queue<string>, said: multiprocessing.Queue<string>, stop: Int32Array) => {
      require(host).outputHooks.outputTag = () => 'a';
      const slowTask = (started: multiprocessing.Queue<string>): void => {
        started.putSync(`${process.pid}:${require('node:worker_threads').threadId}`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);
      };
      const threads = new ThreadPool(1);
      const polled = threads.applyAsync(slowTask, [started]);
      // The chapter's loop: ready() polls the pool, which is where the interrupt is heard.
      while (!polled.ready()) {}
      said.putSync(`polled: ${polled.successful() ? 'succeeded' : 'Interrupted'}`);
      threads.terminate();
      const processes = new Pool(1);
      const spun = processes.applyAsync(slowTask, [started]);
      // Sends the task to the hub now (commands otherwise leave at the next microtask, which this loop never reaches).
      spun.ready();
      // A loop that asks loom nothing: the pool's hub stops the task by itself.
      while (Atomics.load(stop, 0) === 0) {}
      said.putSync(`spun: ${spun.ready() && !spun.successful() ? 'Interrupted' : 'still running'}`);
      processes.terminate();
    },
    args: [HOST, started, said, stop],
  });
  thread.start();
  await started.get();
  interruptWork('a');
  assert.equal(await said.get(), 'polled: Interrupted');
  const worker = Number((await started.get()).split(':')[0]);
  interruptWork('a');
  await waitForExit([worker]);
  openGate(stop);
  assert.equal(await said.get(), 'spun: Interrupted');
  await thread.join();
});
