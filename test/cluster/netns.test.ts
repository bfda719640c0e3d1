/**
 * The network-cut harness (test/helpers/netns.ts) that issue 15's test 4
 * stands on: a node process inside its own network namespace talks to a
 * redis-server on this machine with ioredis; cut() makes its PINGs fail
 * (ioredis's commandTimeout), restore() makes them work again on the same
 * connection, and nothing is left afterwards: no namespace, link, route or
 * process, also when the test process ends without closing or is killed.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { createNetns, linkExists, namespaces, netnsAvailable } from '../helpers/netns.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled, startRedis } from '../helpers/redis-server.js';

const HELPER = join(__dirname, '..', 'helpers', 'netns.js');

/**
 * PINGs its Redis one after another (50 ms apart) and prints `ok I` or
 * `fail I MESSAGE` for each: a command waits at most 400 ms. ioredis
 * reconnects by itself should its connection drop.
 */
const PINGER = `
const Redis = require(process.argv[2]);
const redis = new Redis(process.argv[1], { commandTimeout: 400, connectTimeout: 2000, maxRetriesPerRequest: null, retryStrategy: () => 200 });
redis.on('error', () => {});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
(async () => {
  for (let i = 0; ; i++) {
    try { await redis.ping(); console.log('ok ' + i); } catch (error) { console.log('fail ' + i + ' ' + error.message); }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
})();
`;

/** The lines a child prints, and a way to wait (with a deadline) for one that passes a test. */
function lines(child: ChildProcess): { all: string[]; next(test: (line: string) => boolean, ms: number, what: string): Promise<string> } {
  const all: string[] = [];
  const waiting = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    all.push(line);
    for (const wake of waiting) wake();
  });
  return {
    all,
    next(test, ms, what) {
      const from = all.length;
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = all.slice(from).find(test);
          if (found === undefined) return;
          clearTimeout(timer);
          waiting.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`no ${what} within ${ms} ms; last lines: ${all.slice(-5).join(' | ')}`));
        }, ms);
        waiting.add(check);
        check();
      });
    },
  };
}

/** Whether this machine still routes the /30 of the host's address (the link's own route or the safety blackhole). */
function routed(hostAddress: string): boolean {
  const octets = hostAddress.split('.').map(Number);
  const subnet = `${octets.slice(0, 3).join('.')}.${octets[3] - 1}/30`;
  return spawnSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' }).stdout.split('\n').some((line) => line.includes(subnet));
}

const runnable = netnsAvailable('the network-cut harness tests') && redisServerInstalled('the network-cut harness tests');

describe('a process in its own network namespace', { skip: !runnable }, () => {
  test('reaches Redis over the veth link, stalls when the link is cut, and works again when it is restored', async () => {
    let name = '';
    let hostLink = '';
    let hostAddress = '';
    {
      await using ns = await createNetns();
      await using redis = await startRedis({ bind: ['127.0.0.1', ns.hostAddress] });
      ({ name, hostLink, hostAddress } = ns);
      assert.ok(namespaces().includes(name));
      const child = ns.exec(process.execPath, ['-e', PINGER, ns.urlFromInside(redis.url), require.resolve('ioredis')], { stdio: ['pipe', 'pipe', 'inherit'] });
      const out = lines(child);
      await out.next((line) => line.startsWith('ok '), 10_000, 'PING answered from inside the namespace');
      // It really runs in the namespace: the kernel says so, and it can only have reached Redis by the link.
      assert.equal(spawnSync('ip', ['netns', 'identify', String(child.pid)], { encoding: 'utf8' }).stdout.trim(), name);

      await ns.cut();
      const failed = await out.next((line) => line.startsWith('fail '), 5_000, 'PING failing once the link is cut');
      assert.match(failed, /timed out/i);
      const firstFailure = out.all.indexOf(failed);
      await out.next((line) => line.startsWith('fail '), 5_000, 'a second failing PING');
      assert.deepEqual(out.all.slice(firstFailure).filter((line) => line.startsWith('ok ')), [], 'no PING answered while the link is down');

      await ns.restore();
      // TCP retransmits on the same connection: its back-off after a cut of about a second is a few seconds at most.
      await out.next((line) => line.startsWith('ok '), 20_000, 'PING answered again after restore');
      child.stdin!.end();
      await once(child, 'exit');
    }
    assert.ok(!namespaces().includes(name), `namespace ${name} removed`);
    assert.ok(!linkExists(hostLink), `link ${hostLink} removed`);
    assert.ok(!routed(hostAddress), `no route left for ${hostAddress}/30`);
    await waitForExit(descendantsOf(process.pid));
  });

  test('close() kills what still runs inside, and a process that ends without closing, or is killed, leaves nothing', async () => {
    // Still running at close: a process started inside and never told to stop.
    const ns = await createNetns();
    const sleeper = ns.exec('sleep', ['600'], { stdio: 'ignore' });
    await once(sleeper, 'spawn');
    await ns.close();
    assert.ok(!namespaces().includes(ns.name));
    await ns.close(); // twice is fine

    // A test process that exits without closing: its exit hook removes the namespace.
    const script = `const { createNetns } = require(${JSON.stringify(HELPER)}); createNetns().then((ns) => { console.log(ns.name + ' ' + ns.hostLink); process.exit(0); });`;
    const ended = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    const [endedName, endedLink] = ended.stdout.trim().split(' ');
    assert.ok(endedName.startsWith('loom-'), ended.stderr);
    assert.ok(!namespaces().includes(endedName), `${endedName} removed by the exit hook`);
    assert.ok(!linkExists(endedLink));

    // One killed with SIGKILL runs no hook: the next createNetns sweeps what it left.
    const killed = spawn(process.execPath, ['-e', script.replace('process.exit(0)', 'setInterval(() => {}, 1000)')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(createInterface({ input: killed.stdout! }), 'line')) as [string];
    const [killedName, killedLink] = line.split(' ');
    killed.kill('SIGKILL');
    await once(killed, 'exit');
    assert.ok(namespaces().includes(killedName), 'left behind by the killed process');
    await (await createNetns()).close();
    assert.ok(!namespaces().includes(killedName), `${killedName} swept`);
    assert.ok(!linkExists(killedLink));
    await waitForExit(descendantsOf(process.pid));
  });
});
