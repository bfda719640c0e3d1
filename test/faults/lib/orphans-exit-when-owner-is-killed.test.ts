/**
 * SIGKILL of a Node process that owns process pools: every pool process exits
 * within 2 seconds, because each watches its lifeline to its hub. Here the
 * owner is at its worst: the pool belongs to a worker thread (so its hub is a
 * thread of a thread), the workers spin in a 1,000-task map, a Process waits
 * in a multiprocessing queue's getSync(), and every thread of the owner is busy.
 * (test/lib/orphans.test.ts has the plain cases.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAlive } from '../../helpers/processes.js';
import { assertNothingLeftAtEnd } from '../../lib/helpers.js';

assertNothingLeftAtEnd();

const LOOM = JSON.stringify(join(__dirname, '..', '..', '..', 'src', 'index.js'));

/** The owner: its thread starts the pool and the Process, reports their pids, and spins; so does its main thread. */
const OWNER = `
const loom = require(${LOOM});
const pids = new loom.Queue();
new loom.Thread({
  target: async (pids, path) => {
    const { Pool, Process, multiprocessing } = require(path);
    const pool = new Pool(3);
    const workers = await pool.map(() => process.pid, [1, 2, 3], { chunksize: 1 });
    pool.map(() => { for (;;); }, Array.from({ length: 1000 }, (_, i) => i), { chunksize: 1 });
    const queue = new multiprocessing.Queue();
    const running = new multiprocessing.Queue();
    // It says it runs first: a child still booting when its owner dies is test/lib/orphans.test.ts's case.
    const waiting = new Process({ target: (queue, running) => { running.putSync(1); queue.getSync(); }, args: [queue, running] });
    waiting.start();
    await running.get();
    pids.putSync([...new Set(workers), waiting.pid]);
    for (;;);
  },
  args: [pids, ${LOOM}],
}).start();
console.log('pids ' + pids.getSync().join(','));
for (;;);
`;

/** Starts the owner and resolves with its pid and its children's, once it has printed them. */
function startOwner(): Promise<{ pid: number; children: number[] }> {
  const owner = spawn(process.execPath, ['-e', OWNER], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    owner.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('pids '));
      if (line) resolve({ pid: owner.pid!, children: line.slice(5).split(',').map(Number) });
    });
    owner.on('exit', (code) => reject(new Error(`the owner exited with ${code} before printing pids: ${out}`)));
  });
}

test('SIGKILL of a process whose worker thread owns a spinning Pool and a Process blocked on a queue: all of them exit within 2 s', { timeout: 60_000 }, async (t) => {
  const { pid, children } = await startOwner();
  assert.equal(children.length, 4, `3 pool workers and a Process: ${children.join(', ')}`);
  assert.ok(children.every(isAlive));
  process.kill(pid, 'SIGKILL');
  const killed = Date.now();
  while (children.some(isAlive) && Date.now() - killed < 2000) await new Promise((resolve) => setTimeout(resolve, 10));
  const survivors = children.filter(isAlive);
  t.diagnostic(`${children.length - survivors.length} of ${children.length} children exited ${Date.now() - killed} ms after SIGKILL of their owner`);
  // Never leave one behind, even when the test fails.
  for (const survivor of survivors) process.kill(survivor, 'SIGKILL');
  assert.deepEqual(survivors, [], 'still running 2 s after their owner was killed');
});
