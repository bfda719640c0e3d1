/**
 * Cluster JoinableQueues used by separate processes (plain `node` children
 * running test/cluster/fixtures/queue-worker.js over the direct link), with a
 * consumer killed or frozen while it holds an item. Issue 15's test 7 at its
 * scale, and its test 3 for queues: a consumer frozen past its lease finds
 * its late taskDone refused.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { deserialize } from 'node:v8';
import { JoinableQueue } from '../../src/distributed/queues.js';
import { queueKeys } from '../../src/internal/cluster/queue-keys.js';
import { DirectLink } from '../helpers/direct-link.js';
import { descendantsOf, isAlive, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled, startRedis } from '../helpers/redis-server.js';

const installed = redisServerInstalled('the cluster queue process tests');
const WORKER = join(__dirname, 'fixtures', 'queue-worker.js');
const started: ChildProcess[] = [];

after(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await waitForExit(started.map((child) => child.pid!), 5000);
  assert.deepEqual(descendantsOf(process.pid).filter(isAlive), [], 'processes left running');
});

function worker(...args: (string | number)[]): ChildProcess {
  const child = spawn(process.execPath, [WORKER, ...args.map(String)], { stdio: ['pipe', 'pipe', 'inherit'] });
  started.push(child);
  return child;
}

/** The first line of the child's output matching `pattern` (its match), or a rejection naming it after `ms`. */
function lineOf(child: ChildProcess, pattern: RegExp, ms = 30_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => { lines.close(); reject(new Error(`no line matching ${pattern} from pid ${child.pid} within ${ms} ms`)); }, ms);
    lines.on('line', (line) => {
      const match = line.match(pattern);
      if (!match) return;
      clearTimeout(timer);
      lines.close();
      resolve(match);
    });
  });
}

function exitOf(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode!);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal!)));
}

describe('cluster JoinableQueue across processes', { skip: !installed }, () => {
  test('2 producers, 2 consumers, 10,000 items through maxsize 10, a consumer SIGKILLed between get and taskDone', { timeout: 120_000 }, async () => {
    // Issue 15's test 7. Every item is consumed exactly once except the dead consumer's, which comes again;
    // join returns after the last taskDone. (CPython's _test_multiprocessing test_task_done, with a death in it.)
    await using redis = await startRedis();
    await using link = new DirectLink(redis.url);
    const q = new JoinableQueue<number | null>(link, 'jobs', { maxsize: 10 }, { leaseSeconds: 1 });
    await q.join(); // makes the queue, with its maxsize, before anyone else
    const doomed = worker('consume', redis.url, 'jobs', 1500);
    const survivor = worker('consume', redis.url, 'jobs', 0);
    const producers = [worker('produce', redis.url, 'jobs', 0, 5000), worker('produce', redis.url, 'jobs', 5000, 10_000)];

    const held = Number((await lineOf(doomed, /^holding (\d+)$/))[1]);
    doomed.kill('SIGKILL');
    assert.equal(await exitOf(doomed), 'SIGKILL');
    assert.deepEqual(await Promise.all(producers.map(exitOf)), [0, 0]);
    await q.join();

    // Each consumer puts an item in jobs:done before its taskDone: at join, every item is there, once.
    const done = (await link.redis.lrangeBuffer(queueKeys('loom', 'jobs:done').items, 0, -1)).map((bytes) => deserialize(bytes) as number);
    assert.equal(done.length, 10_000, 'items consumed more or less than once');
    assert.deepEqual(done.slice().sort((a, b) => a - b), Array.from({ length: 10_000 }, (_, i) => i));
    assert.ok(done.includes(held), 'the dead consumer\'s item was not delivered again');
    assert.equal(await q.qsize(), 0);

    await q.put(null); // the survivor's end
    assert.equal(await exitOf(survivor), 0);
    await q.join();
  });

  test('a consumer frozen past its lease (SIGSTOP) loses its item to another; its late taskDone is refused, and the count stays right', { timeout: 60_000 }, async () => {
    // Issue 15's test 3 ("its late result is refused; it works again"), for a JoinableQueue consumer.
    await using redis = await startRedis();
    await using link = new DirectLink(redis.url);
    const q = new JoinableQueue<number>(link, 'frozen', {}, { leaseSeconds: 1 });
    const late = worker('late', redis.url, 'frozen');
    await q.put(42);
    assert.equal((await lineOf(late, /^got (\d+)$/))[1], '42');
    late.kill('SIGSTOP');
    try {
      assert.equal(await q.get({ timeout: 20 }), 42, 'the frozen consumer\'s item came again');
      await q.taskDone();
      await q.join();
    } finally {
      late.kill('SIGCONT');
    }
    const answer = lineOf(late, /^taskDone: (.*)$/);
    late.stdin!.write('go\n');
    assert.match((await answer)[1], /^ArgumentValueError: taskDone\(\) refused: this process did not renew its lease on the cluster queue 'frozen' for 1 s/);
    assert.equal(await exitOf(late), 0);
    await assert.rejects(q.taskDone(), /called too many times/, 'the late taskDone did not count');
  });
});
