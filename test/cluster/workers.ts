/**
 * Real `loom worker` processes for the cluster tests: started with
 * bin/loom.js (the compiled worker), waited for until the cluster's registry
 * lists them (no sleeps), killed at the end with everything they started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { cluster, type Cluster } from '../../src/distributed/index.js';
import type { Netns } from '../helpers/netns.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { startRedis, type RunningRedis } from '../helpers/redis-server.js';

const LOOM = resolve(__dirname, '..', '..', '..', 'bin', 'loom.js');

export interface WorkerProcessOptions {
  processes?: number;
  lease?: number;
  secretFile?: string;
  root?: string;
  env?: Record<string, string>;
  /** Runs the worker inside this network namespace (test/helpers/netns.ts), reaching Redis by the namespace's link. */
  netns?: Netns;
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it printed (stdout and stderr). */
  output(): string;
}

export class Workers {
  readonly list: WorkerProcess[] = [];

  constructor(readonly url: string) {}

  start(options: WorkerProcessOptions = {}): WorkerProcess {
    const url = options.netns ? options.netns.urlFromInside(this.url) : this.url;
    const args = [LOOM, 'worker', url, '--processes', String(options.processes ?? 1), '--lease', String(options.lease ?? 1)];
    if (options.secretFile) args.push('--secret-file', options.secretFile);
    if (options.root) args.push('--root', options.root);
    const spawnOptions = { stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } };
    // `ip netns exec` execs the command: the child's pid is the worker's.
    const child = options.netns ? options.netns.exec(process.execPath, args, spawnOptions) : spawn(process.execPath, args, spawnOptions);
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const worker = { child, pid: child.pid!, output: () => text };
    this.list.push(worker);
    return worker;
  }

  /** Starts `n` workers and waits until the cluster lists all of them. */
  async startMany(c: Cluster, n: number, options: WorkerProcessOptions = {}): Promise<WorkerProcess[]> {
    const started = Array.from({ length: n }, () => this.start(options));
    await until(async () => {
      const pids = new Set((await c.workers()).map((w) => w.pid));
      return started.every((w) => pids.has(w.pid));
    }, 20_000, () => `workers not registered: ${started.map((w) => w.output()).join('\n')}`);
    return started;
  }

  /** SIGKILLs every worker and whatever it started; waits until all are gone. */
  async killAll(): Promise<void> {
    const pids = this.list.flatMap((w) => [w.pid, ...descendantsOf(w.pid)]);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await waitForExit(pids, 10_000);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.killAll();
  }
}

/** Polls `condition` until it holds; throws `message()` after `ms`. */
export async function until(condition: () => boolean | Promise<boolean>, ms: number, message: () => string = () => 'condition not met'): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`after ${ms} ms: ${message()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** What most cluster tests start with: a redis-server, a cluster on it (1 s lease) and workers of one process each. */
export interface SmallCluster extends AsyncDisposable {
  readonly redis: RunningRedis;
  readonly workers: Workers;
  readonly c: Cluster;
  /** The workers started, in order. */
  readonly started: WorkerProcess[];
}

/** Starts a SmallCluster of `n` workers; `await using` stops it all, the cluster first and the server last. */
export async function smallCluster(n = 2): Promise<SmallCluster> {
  const redis = await startRedis();
  const workers = new Workers(redis.url);
  const c = cluster(redis.url, { lease: 1 });
  const stop = async () => {
    await c.close();
    await workers.killAll();
    await redis.stop();
  };
  try {
    const started = await workers.startMany(c, n, { processes: 1, lease: 1 });
    return { redis, workers, c, started, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
