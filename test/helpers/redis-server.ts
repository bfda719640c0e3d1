/**
 * A real redis-server (Debian's) for the cluster tests: each test starts its
 * own on a free port bound to 127.0.0.1 (or the addresses it asks for), with a fresh temporary directory and
 * no persistence, and stops it at the end. Where no redis-server is installed
 * the tests are skipped, and say so loudly on stderr: a quiet skip would look
 * like a pass.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = 'redis-server';

/** Whether Debian's redis-server is on PATH; when not, says loudly what the tests skip. */
export function redisServerInstalled(what = 'the cluster tests'): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${BINARY}`], { encoding: 'utf8' }).status === 0;
  if (!found) {
    process.stderr.write(
      `\n*** SKIPPED ${what}: no \`${BINARY}\` on PATH. Install it (Debian: apt-get install redis-server; .ci/run does) to run them. ***\n\n`,
    );
  }
  return found;
}

/** A port nobody listens on now (the kernel picks it; closed again at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RedisOptions {
  /** `requirepass`: the URL then carries it (`redis://:PASSWORD@127.0.0.1:PORT`). */
  password?: string;
  /**
   * The addresses to listen on (default 127.0.0.1), e.g. `['127.0.0.1', ns.hostAddress]` so that a process in a
   * test's network namespace (test/helpers/netns.ts) reaches it too. `url` names the first.
   */
  bind?: string | string[];
  /** Extra `--name value` arguments for redis-server. */
  args?: string[];
}

export interface RunningRedis {
  readonly port: number;
  /** `redis://[:password@]HOST:PORT`, HOST the first `bind` address (127.0.0.1 by default). */
  readonly url: string;
  readonly pid: number;
  /** Stops the server (SIGKILL if it does not stop within 2 s) and removes its directory. */
  stop(): Promise<void>;
  /** Kills the server (SIGKILL): its data is gone (no persistence); `start()` brings up an empty one on the same port. */
  kill(): Promise<void>;
  /** Starts the server again on the same port, empty. */
  start(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Waits until the server answers PING on its port (at most `ms`). */
async function untilAnswers(host: string, port: number, password: string | undefined, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await answersPing(host, port, password)) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function answersPing(host: string, port: number, password: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    let reply = '';
    socket.once('error', () => resolve(false));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('PONG')) {
        socket.destroy();
        resolve(true);
      } else if (reply.startsWith('-') && !password) {
        socket.destroy();
        resolve(false);
      }
    });
    socket.once('connect', () => socket.write(password ? `AUTH ${password}\r\nPING\r\n` : 'PING\r\n'));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a redis-server on a free port of 127.0.0.1 with a temporary directory and no persistence. */
export async function startRedis(options: RedisOptions = {}): Promise<RunningRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'loom-redis-'));
  const bind = [options.bind ?? '127.0.0.1'].flat();
  const host = bind[0];
  const args = [
    '--port', String(port), '--bind', ...bind, '--dir', dir, '--save', '', '--appendonly', 'no',
    '--daemonize', 'no', '--logfile', '', '--loglevel', 'warning', ...(options.password ? ['--requirepass', options.password] : []),
    // Without a password, protected mode answers only loopback clients: a test's own namespace (the only other place it listens) must get in too.
    ...(bind.some((address) => !address.startsWith('127.')) && !options.password ? ['--protected-mode', 'no'] : []),
    ...(options.args ?? []),
  ];
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn(BINARY, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    await untilAnswers(host, port, options.password, 10_000);
  };
  const kill = async () => {
    if (!child) return;
    const running = child;
    child = undefined;
    running.kill('SIGKILL');
    await exited(running);
  };
  await launch();
  const url = options.password ? `redis://:${encodeURIComponent(options.password)}@${host}:${port}` : `redis://${host}:${port}`;
  const stop = async () => {
    if (child) {
      const running = child;
      child = undefined;
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 2000);
      await exited(running);
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    port, url,
    get pid() { return child?.pid ?? -1; },
    stop, kill,
    start: launch,
    [Symbol.asyncDispose]: stop,
  };
}
