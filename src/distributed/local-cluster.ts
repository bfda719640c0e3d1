/**
 * localCluster(): a whole cluster on this machine, a redis-server and a few
 * `loom worker` processes standing for machines, as Dask's LocalCluster
 * stands in for a real one. For notebooks, tests and trying things out: the
 * code that runs on it runs unchanged on real machines given their Redis URL.
 * Every process it starts is tied to this one (internal/cluster/tethered.ts):
 * none outlives it, even when it is killed.
 */
import { join } from 'node:path';
import { BackendError } from '../errors.js';
import { redisServerOnPath, startLocalRedis, type LocalRedis } from '../internal/cluster/local-redis.js';
import { spawnTethered, type Tethered } from '../internal/cluster/tethered.js';
import { optionsObject } from '../internal/validate.js';
import { positiveInteger } from '../multiprocessing/options.js';
import { cluster, type Cluster } from './cluster.js';

/** The compiled worker main, beside this file. */
const WORKER_MAIN = join(__dirname, `worker-main${__filename.endsWith('.ts') ? '.ts' : '.js'}`);

/** How long to wait for a worker to show up in the cluster's registry. */
const REGISTER_TIMEOUT_MS = 30_000;

export interface LocalClusterOptions {
  /** How many `loom worker` processes ("machines"). @default 2 */
  workers?: number;
  /** Tasks each worker runs at once, each in a child process of its own. @default 1 */
  processes?: number;
  /**
   * Seconds a task stays taken by a worker that stops renewing its lease (dies, freezes) before it
   * runs again elsewhere; also the cluster's lease (see ClusterOptions.lease). Short, so a demo of a
   * killed worker is quick; a real cluster's default is 30. @default 3
   */
  lease?: number;
}

/** Why a local cluster cannot start here, or undefined when it can (redis-server is on PATH). */
export function localClusterUnavailable(): string | undefined {
  return redisServerOnPath()
    ? undefined
    : 'no redis-server on PATH. On Debian or Ubuntu: sudo apt-get install redis-server (or install Redis another way and put redis-server on PATH)';
}

/** A redis-server and `loom worker` processes on this machine, with the cluster that uses them. */
export class LocalCluster {
  /** The cluster: give it to a Pool or ProcessPoolExecutor as `backend`, make queues with it. */
  readonly cluster: Cluster;
  /** The Redis URL the workers serve (no password: it listens on 127.0.0.1 only). */
  readonly url: string;
  readonly #redis: LocalRedis;
  readonly #options: Required<LocalClusterOptions>;
  readonly #workers: Tethered[] = [];

  /** @internal Use localCluster(options). */
  constructor(redis: LocalRedis, options: Required<LocalClusterOptions>) {
    this.#redis = redis;
    this.#options = options;
    this.url = redis.url;
    this.cluster = cluster(redis.url, { lease: options.lease });
  }

  /** The pids of the worker processes running now, in the order they started. */
  get workerPids(): number[] {
    return this.#workers.map((worker) => worker.pid);
  }

  /** Starts one more worker and waits until the cluster lists it; resolves with its pid. */
  async startWorker(): Promise<number> {
    const { processes, lease } = this.#options;
    // 'worker' as bin/loom.js passes it: the worker main reads its arguments after it.
    const args = [WORKER_MAIN, 'worker', this.url, '--processes', String(processes), '--lease', String(lease)];
    const worker = await spawnTethered(process.execPath, args, { stderr: 'ignore' });
    this.#workers.push(worker);
    let exited = false;
    void worker.exited.then(() => (exited = true));
    const deadline = Date.now() + REGISTER_TIMEOUT_MS;
    while (!(await this.cluster.workers()).some((info) => info.pid === worker.pid)) {
      if (exited) throw new BackendError(`a local worker exited as it started: run \`npx loom worker ${this.url}\` to see why`);
      if (Date.now() > deadline) throw new BackendError(`a local worker (pid ${worker.pid}) did not join the cluster within ${REGISTER_TIMEOUT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return worker.pid;
  }

  /**
   * Kills a worker at once (SIGKILL, as a machine that loses power): the tasks it held run again
   * on the others once their lease runs out. Its child processes die with it.
   */
  async killWorker(pid: number): Promise<void> {
    const index = this.#workers.findIndex((worker) => worker.pid === pid);
    if (index < 0) throw new BackendError(`no local worker with pid ${pid} (workers: ${this.workerPids.join(', ') || 'none'})`);
    const [worker] = this.#workers.splice(index, 1);
    await worker.cut();
  }

  /** Closes the cluster, stops the workers and the redis-server. */
  async close(): Promise<void> {
    await this.cluster.close();
    await Promise.all(this.#workers.splice(0).map((worker) => worker.cut()));
    await this.#redis.stop();
  }

  /** `await using local = await localCluster()`: close() at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Starts a cluster on this machine: a redis-server on a free port of 127.0.0.1 and `workers`
 * `loom worker` processes, and resolves once all of them have joined. BackendError when
 * redis-server is not installed (localClusterUnavailable() says why beforehand).
 *
 * @example
 * ```ts
 * await using local = await localCluster({ workers: 2 });
 * using pool = new Pool({ backend: local.cluster });
 * await pool.map(prime, numbers);
 * ```
 */
export async function localCluster(options?: LocalClusterOptions): Promise<LocalCluster> {
  const given = optionsObject<LocalClusterOptions>('options', options);
  const settings: Required<LocalClusterOptions> = {
    workers: positiveInteger('workers', given.workers, 2),
    processes: positiveInteger('processes', given.processes, 1),
    lease: positiveInteger('lease', given.lease, 3),
  };
  const why = localClusterUnavailable();
  if (why) throw new BackendError(`cannot start a local cluster: ${why}`);
  const local = new LocalCluster(await startLocalRedis(), settings);
  try {
    for (let i = 0; i < settings.workers; i++) await local.startWorker();
  } catch (error) {
    await local.close();
    throw error;
  }
  return local;
}
