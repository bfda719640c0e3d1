/**
 * `loom worker`: a process that runs a cluster's tasks. A BullMQ Worker takes
 * jobs (concurrency = --processes) and hands each task to a local loom Pool
 * of that many child processes, so user code never runs on this thread,
 * which renews the jobs' leases: a CPU-bound task longer than its lease is
 * not taken for lost (CLUSTER.md, "the lease trap"). A job lost once (its
 * worker died or froze past its lease) runs again elsewhere; lost twice, it
 * fails (maxStalledCount 1; the client calls it BrokenWorkerError).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { BackendError } from '../errors.js';
import { Connection, newRedis } from '../internal/cluster/connection.js';
import { signatureValid, readPayload, v8Major, writeError, writeResult, writeSerializedError, type JobData } from '../internal/cluster/jobs.js';
import { serializeError, type SerializedError } from '../internal/error-wire.js';
import { interruptChannel, QUEUE_NAME, workerKey, type WorkerInfo } from '../internal/cluster/keys.js';
import { redactUrl, scrub } from '../internal/cluster/redact.js';
import { AMBIENT_ENV } from '../internal/cluster/remote-kinds.js';
import type { Outcome } from '../internal/pool/engine.js';
import { WorkerPool } from '../internal/cluster/worker-pool.js';
import { workerErrorText } from './worker-refusal.js';
import type { FnSpec } from '../internal/ship/shipped.js';

export interface WorkerOptions {
  /** The Redis URL (password included; never printed). */
  url: string;
  /** Tasks run at once, each in a child process of the worker's local pool. */
  processes: number;
  /** The cluster's secret: jobs without a valid signature are never run. */
  secret?: string | Buffer;
  /** Where the tasks' `require` and imports resolve packages, and the children's working directory. @default process.cwd() */
  root?: string;
  /** Seconds a job stays taken without its lease renewed (BullMQ's lockDuration and stalled check). @default 30 */
  lease?: number;
  /** Key prefix, as the cluster's. @default 'loom' */
  prefix?: string;
}

export interface RunningWorker {
  readonly info: WorkerInfo;
  /** Takes no new jobs, finishes the running ones, leaves the registry, stops the local pool. */
  stop(): Promise<void>;
}

function loomVersion(): string {
  const above = resolve(__dirname, '..', '..');
  const root = basename(above) === 'dist' ? dirname(above) : above;
  try {
    return String((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version);
  } catch {
    return 'unknown';
  }
}

/** Code resolves its `require`s from the worker's root, not from the sender's file (which this machine may not have). */
function relocate(fn: FnSpec, root: string): FnSpec {
  if (!('code' in fn)) return fn;
  return { code: { ...fn.code, requireFrom: join(root, 'loom-worker-task.js') } };
}

/** A package missing here: say which and where, rather than Node's first line about a require stack. */
function explainMissing(error: unknown, where: string, root: string): unknown {
  if (!(error instanceof Error)) return error;
  const missing = /Cannot find (?:module|package) '([^']+)'/.exec(error.message);
  if (!missing || !/^[@a-zA-Z0-9]/.test(missing[1])) return error;
  const name = missing[1].startsWith('@') ? missing[1].split('/').slice(0, 2).join('/') : missing[1].split('/')[0];
  const explained = new Error(`the package '${name}' is not installed on worker ${where} (resolved from ${root}): install it there`, { cause: error });
  (explained as Error & { code?: string }).code = 'MODULE_NOT_FOUND';
  return explained;
}

/**
 * A task's error as the local pool rebuilt it has this worker's stack and the
 * child's as its cause; the caller wants the child's only (its own becomes the
 * caller's, where it meets the error), so the cause's stack moves up.
 */
function asThrownThere(error: unknown): SerializedError {
  const data = serializeError(error);
  if (data.kind !== 'error' || data.cause?.kind !== 'error' || data.cause.name !== data.name || data.cause.message !== data.message) return data;
  return { ...data, stack: data.cause.stack, cause: data.cause.cause };
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const lease = options.lease ?? 30;
  const prefix = options.prefix ?? 'loom';
  const root = resolve(options.root ?? process.cwd());
  const secret = options.secret;
  const where = `${hostname()}:${process.pid}`;
  const info: WorkerInfo = {
    id: `${where}:${randomBytes(3).toString('hex')}`, host: hostname(), pid: process.pid, slots: options.processes,
    versions: { node: process.versions.node, v8: process.versions.v8, loom: loomVersion() },
  };
  // Redis unreachable (address, password, TLS CA): say why and stop, rather than retry forever.
  const probe = new Connection(options.url, 5);
  await probe.ready().finally(() => probe.close());
  process.chdir(root);
  // The children reach this cluster's queues that tasks bring (distributed/queue-revive.ts).
  process.env[AMBIENT_ENV.url] = options.url;
  process.env[AMBIENT_ENV.prefix] = prefix;
  // Its hub runs on this thread, which never runs user code (worker-pool.ts says why).
  const engine = new WorkerPool(options.processes);
  const running = new Set<string>();
  let stopping: Promise<void> | undefined;

  const run = (fn: FnSpec, kind: 'apply' | 'map' | 'star', items: unknown[], tag: string): Promise<Outcome> => engine.run(fn, kind, items, tag);

  const processor = async (job: Job<JobData>): Promise<string> => {
    const data = job.data;
    if (secret !== undefined && !signatureValid(data, secret)) {
      const why = typeof data?.sig === 'string' ? 'its signature is wrong' : 'it is not signed';
      throw new UnrecoverableError(writeError(new BackendError(`worker ${where} refused the job: ${why} (the cluster and its workers must share the secret)`)));
    }
    if (data?.v !== 1 || typeof data.payload !== 'string') throw new UnrecoverableError(writeError(new BackendError(`worker ${where} refused the job: not a loom task`)));
    if (data.v8 !== v8Major()) {
      throw new UnrecoverableError(writeError(new BackendError(
        `worker ${where} runs V8 ${v8Major()} (Node ${process.versions.node}) but the job comes from V8 ${data.v8}: values would not read; run the workers on the sender's Node version`)));
    }
    const task = readPayload(data);
    const id = String(job.id);
    running.add(id);
    try {
      const outcome = await run(relocate(task.fn, root), task.kind, task.items, `loom-job:${id}`);
      if (!outcome.ok) throw new UnrecoverableError(writeSerializedError(asThrownThere(explainMissing(outcome.error, where, root))));
      try {
        return writeResult(outcome.value);
      } catch (error) {
        throw new UnrecoverableError(writeError(error));
      }
    } finally {
      running.delete(id);
    }
  };

  const connection = newRedis(options.url, 5);
  connection.on('error', () => {});
  const worker = new Worker<JobData, string>(QUEUE_NAME, processor, {
    connection, prefix, concurrency: options.processes, lockDuration: lease * 1000, stalledInterval: lease * 1000, maxStalledCount: 1,
    autorun: false,
  });
  worker.on('error', (error) => console.error(`loom worker: ${workerErrorText(scrub(error.message, options.url))}`));

  // Running tasks of an interrupted (or terminated) pool are stopped here: the local pool replaces the child that ran it.
  const subscriber: Redis = newRedis(options.url, 5);
  subscriber.on('error', () => {});
  subscriber.on('message', (_channel: string, message: string) => {
    let ids: unknown;
    try {
      ids = JSON.parse(message);
    } catch {
      return;
    }
    if (!Array.isArray(ids)) return;
    for (const id of ids) if (running.has(String(id))) engine.interruptWork(`loom-job:${String(id)}`);
  });
  await subscriber.subscribe(interruptChannel(prefix));

  // The registry entry: renewed twice a lease, gone within a few leases of this worker's death.
  const key = workerKey(prefix, info.id);
  const ttlMs = Math.max(3 * lease, 3) * 1000;
  const register = (): Promise<unknown> => connection.set(key, JSON.stringify(info), 'PX', ttlMs).catch(() => undefined);
  await connection.connect().catch(() => undefined);
  await register();
  const renew = setInterval(() => void register(), Math.max(250, (lease * 1000) / 2));
  void worker.run();
  await worker.waitUntilReady();

  return {
    info,
    stop: () => (stopping ??= (async () => {
      clearInterval(renew);
      await worker.close();
      await connection.del(key).catch(() => undefined);
      engine.close();
      await engine.whenJoined();
      subscriber.disconnect();
      connection.disconnect();
    })()),
  };
}

/** `loom worker URL ...` as a line for the log: the URL without its password. */
export function describeWorker(info: WorkerInfo, url: string): string {
  return `loom worker ${info.id}: ${info.slots} process${info.slots === 1 ? '' : 'es'}, serving ${redactUrl(url)} (node ${info.versions.node}, loom ${info.versions.loom})`;
}
