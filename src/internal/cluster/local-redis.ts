/**
 * A redis-server of one's own on this machine: a free port, a temporary
 * directory, no persistence, tethered (tethered.ts) so it never outlives the
 * process that started it. What a local cluster (a notebook's, a test's)
 * runs on; a real cluster's Redis is started by whoever runs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTethered, type Tethered } from './tethered.js';

export const REDIS_SERVER = 'redis-server';

/** Whether `redis-server` is on PATH. */
export function redisServerOnPath(): boolean {
  return spawnSync('sh', ['-c', `command -v ${REDIS_SERVER}`], { stdio: 'ignore' }).status === 0;
}

/** A port nobody listens on now (the kernel picks it; closed again at once). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

export interface LocalRedisOptions {
  /** `requirepass`: the URL then carries it. */
  password?: string;
  /** The addresses to listen on; `url` names the first. @default '127.0.0.1' */
  bind?: string | string[];
  /** Extra arguments for redis-server (`['--maxmemory', '10mb']`). */
  args?: string[];
  /** How long to wait for it to answer, in ms. @default 10000 */
  startTimeoutMs?: number;
}

export interface LocalRedis {
  readonly port: number;
  /** `redis://[:password@]BIND:PORT` */
  readonly url: string;
  /** redis-server's pid (-1 while stopped). */
  readonly pid: number;
  /** Kills the server (SIGKILL): its data is gone; `start()` brings up an empty one on the same port. */
  kill(): Promise<void>;
  /** Starts the server again on the same port, empty. */
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a redis-server; rejects if it does not answer PING within the start timeout. */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const bind = [options.bind ?? '127.0.0.1'].flat();
  const host = bind[0];
  const port = await freePort(host);
  const dir = mkdtempSync(join(tmpdir(), 'loom-redis-'));
  const args = [
    '--port', String(port), '--bind', ...bind, '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no',
    '--logfile', '', '--loglevel', 'warning', ...(options.password ? ['--requirepass', options.password] : []),
    // Without a password, protected mode answers loopback clients only: a test's network namespace must get in too.
    ...(bind.some((address) => !address.startsWith('127.')) && !options.password ? ['--protected-mode', 'no'] : []),
    ...(options.args ?? []),
  ];
  let server: Tethered | undefined;
  const start = async () => {
    server = await spawnTethered(REDIS_SERVER, args, { stderr: 'ignore' }); // its warnings are not the user's business
    const auth = options.password ? `AUTH ${options.password}\r\n` : '';
    await untilRedisAnswers(() => ({ socket: createConnection({ port, host }), ready: 'connect' }), auth, options.startTimeoutMs ?? 10_000, `redis-server on ${host}:${port}`);
  };
  const kill = async () => {
    const running = server;
    server = undefined;
    await running?.cut();
  };
  await start();
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  const stop = async () => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    port, url: `redis://${auth}${host}:${port}`,
    get pid() { return server?.pid ?? -1; },
    kill, start, stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** A connection to a server and the event after which it may be written to ('secureConnect' for TLS). */
export interface RedisProbe {
  socket: Socket;
  ready: 'connect' | 'secureConnect';
}

/**
 * Waits until a redis-server answers PING on connections `open()` makes, sending `auth` (an AUTH line,
 * or '') first; at most `ms`, then an error naming `what`. (A test's TLS server opens TLS sockets.)
 */
export async function untilRedisAnswers(open: () => RedisProbe, auth: string, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await answersPing(open(), auth))) {
    if (Date.now() > deadline) throw new Error(`${what} did not answer within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function answersPing({ socket, ready }: RedisProbe, auth: string): Promise<boolean> {
  return new Promise((resolve) => {
    let reply = '';
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('PONG')) done(true);
      else if (reply.includes('-')) done(false);
    });
    socket.once(ready, () => socket.write(`${auth}PING\r\n`));
  });
}
