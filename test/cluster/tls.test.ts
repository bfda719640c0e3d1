/**
 * A cluster on `rediss://user:password@host:port`: a real redis-server
 * serving TLS only, its certificate signed by a throwaway CA, and an ACL user
 * with a password (test/helpers/tls-redis.ts). Both sides trust the CA the
 * standard Node way, NODE_EXTRA_CA_CERTS (read when a process starts: the
 * client runs in a child process of its own, fixtures/tls-client.ts); loom
 * needs no option for it. Trusting the wrong CA fails with a BackendError
 * within the connect timeout, from cluster() and from `loom worker`, showing
 * neither the password nor the secret. (No CPython counterpart: Python's
 * multiprocessing has no TLS; its managers authenticate with an authkey.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled } from '../helpers/redis-server.js';
import { opensslInstalled, startTlsRedis, type TlsRedis } from '../helpers/tls-redis.js';
import { until, Workers } from './workers.js';

const CLIENT = join(__dirname, 'fixtures', 'tls-client.js');
const PASSWORD = 'tls-pa55-hunter2';
const SECRET = 'tls-secret-swordfish';
const installed = redisServerInstalled() && opensslInstalled();

/** Runs the client fixture trusting `caFile`; resolves with its JSON line (a deadline, so it never hangs). */
function client(args: string[], caFile: string): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [CLIENT, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile, LOOM_SECRET: SECRET },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.once('exit', () => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined) reject(new Error(`the client printed no result: ${out}`));
      else resolve({ ...(JSON.parse(line) as Record<string, unknown>), output: out });
    });
  });
}

describe('a cluster on rediss:// with an ACL user and password', { skip: !installed }, () => {
  let redis: TlsRedis;
  let workers: Workers;
  let dir: string;
  let secretFile: string;

  before(async () => {
    redis = await startTlsRedis('loomer', PASSWORD);
    workers = new Workers(redis.url);
    dir = mkdtempSync(join(tmpdir(), 'loom-tls-test-'));
    secretFile = join(dir, 'secret');
    writeFileSync(secretFile, SECRET);
  });

  after(async () => {
    await workers?.killAll();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await waitForExit(descendantsOf(process.pid), 10_000);
  });

  test('workers and client trusting the CA run a map and a queue put/get', async () => {
    const started = [1, 2].map(() => workers.start({ processes: 1, lease: 2, secretFile, env: { NODE_EXTRA_CA_CERTS: redis.caFile } }));
    await until(() => started.every((w) => /serving rediss:\/\/\*\*\*@127\.0\.0\.1:/.test(w.output())), 20_000, () => started.map((w) => w.output()).join('\n'));
    const result = await client(['run', redis.url, '2'], redis.caFile);
    assert.deepEqual(result.squares, [1, 4, 9, 16, 25, 36], String(result.output));
    assert.deepEqual(result.got, { text: 'over TLS' });
    assert.deepEqual((result.workers as number[]).sort(), started.map((w) => w.pid).sort());
    for (const w of started) assert.doesNotMatch(w.output(), new RegExp(`${PASSWORD}|${SECRET}`));
  });

  test('cluster() trusting the wrong CA: BackendError within the connect timeout, no password or secret', async () => {
    const result = await client(['probe', redis.url], redis.wrongCaFile);
    assert.equal(result.name, 'BackendError', String(result.output));
    assert.match(String(result.message), new RegExp(`^cannot reach Redis at rediss://\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} within 2 s \\(.*certificate.*NODE_EXTRA_CA_CERTS=`));
    assert.doesNotMatch(JSON.stringify(result), new RegExp(`${PASSWORD}|${SECRET}|loomer`));
  });

  test('loom worker trusting the wrong CA: exits 1, saying why on stderr, no password or secret', async () => {
    const worker = workers.start({ processes: 1, lease: 2, secretFile, env: { NODE_EXTRA_CA_CERTS: redis.wrongCaFile } });
    const code = await new Promise<number | null>((resolve) => worker.child.once('close', (c) => resolve(c)));
    assert.equal(code, 1, worker.output());
    assert.match(worker.output(), new RegExp(`loom worker \\(rediss://\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}\\): cannot reach Redis at .* within 5 s \\(.*certificate.*NODE_EXTRA_CA_CERTS=`));
    assert.doesNotMatch(worker.output(), new RegExp(`${PASSWORD}|${SECRET}|loomer`));
  });
});
