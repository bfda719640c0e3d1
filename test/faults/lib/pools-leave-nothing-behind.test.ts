/**
 * 50 rounds of making, using and closing every kind of pool (Pool,
 * ThreadPool, ProcessPoolExecutor, ThreadPoolExecutor) leave no thread,
 * process or file descriptor behind: counted in /proc/self/task,
 * /proc/self/fd and this process's children before and after.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool, ProcessPoolExecutor, ThreadPool, ThreadPoolExecutor, whenWorkersExited } from '../../../src/index.js';
import { assertNothingLeftAtEnd, childProcesses, openFds, osThreads } from '../../lib/helpers.js';

assertNothingLeftAtEnd();

const ROUNDS = 50;

/** One round: each kind of pool made, given work (so its workers really start), closed and waited for. */
async function oneRound(round: number): Promise<void> {
  const pool = new Pool(2);
  assert.deepEqual(await pool.map((x: number) => x + 1, [round, round]), [round + 1, round + 1]);
  pool.close();
  await pool.join();

  const threads = new ThreadPool(2);
  assert.deepEqual(await threads.map((x: number) => x * 2, [round, round]), [2 * round, 2 * round]);
  threads.close();
  await threads.join();

  const processes = new ProcessPoolExecutor({ maxWorkers: 2 });
  assert.equal(await processes.submit((x: number) => x - 1, round), round - 1);
  await processes.shutdown({ wait: true });

  const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
  assert.equal(await executor.submit((x: number) => -x, round), -round);
  await executor.shutdown({ wait: true });
}

/** Waits (5 s at most) for the counts to come back down; the workers' exits are reported asynchronously. */
async function settle(threads: number, fds: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((childProcesses().length > 0 || osThreads() > threads || openFds() > fds) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test(`${ROUNDS} rounds of Pool, ThreadPool, ProcessPoolExecutor and ThreadPoolExecutor made and closed leave no thread, process or file descriptor`, { timeout: 300_000 }, async (t) => {
  // A first round outside the count: loading modules and starting the hub thread are once per process.
  await oneRound(0);
  await settle(Infinity, Infinity);
  const fds = openFds();
  const threads = osThreads();
  const started = Date.now();
  let peakChildren = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    await oneRound(round);
    peakChildren = Math.max(peakChildren, childProcesses().length);
  }
  await settle(threads, fds);
  t.diagnostic(`${ROUNDS} rounds (${ROUNDS * 4} pools) in ${Date.now() - started} ms; threads ${threads} -> ${osThreads()}, fds ${fds} -> ${openFds()}, children left ${childProcesses().length}`);
  assert.deepEqual(childProcesses(), [], 'child processes left');
  assert.equal(await whenWorkersExited(5000), 0, 'worker threads left');
  assert.ok(osThreads() <= threads, `threads: ${osThreads()} after, ${threads} before`);
  assert.ok(openFds() <= fds, `file descriptors: ${openFds()} after, ${fds} before`);
});
