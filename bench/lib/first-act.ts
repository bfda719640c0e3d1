/**
 * bench:lib's start-up rows as a user feels them (issue 18, goal 5): from
 * start() to the moment the new thread or child process runs user code, seen
 * by the parent as the first thing that code does (a queue item put, a
 * message posted), not the whole start->join. bench/python/lib_bench.py times
 * the same in Python (spawn, forkserver and fork).
 *
 * A loom Process is timed in three states of its parent's hub (the thread
 * that owns its children, internal/hub/): cold (no hub: the first start of a
 * script), with its spare child ready (the hub spawns one ahead from its
 * second start on, internal/hub/spare.ts; here another Process keeps the hub
 * in use, and each start comes a second after the last), and back to back
 * (the spare spawned by the previous start may still be booting). Each row is the median of `runs`: the best of
 * a few would report only the runs that found a spare ready.
 */
import { fork, spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { multiprocessing, Pool, Process, Queue, Thread, ThreadPool } from '../../src/index.js';
import { inc } from '../lib-workers.js';

type Report = (name: string, seconds: number) => void;

/** Longer than the hub's linger after its last user (internal/hub/client.ts, 250 ms): the next start finds no hub. */
const COLD_PAUSE_MS = 600;
/** Long enough for the spare spawned after the last start to boot on a busy machine (the hub is kept in use meanwhile: withHubInUse). */
const WARM_PAUSE_MS = 1000;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The median of `runs` timings of `fn` (which returns the seconds it measured), `pauseMs` before each. */
async function median(runs: number, pauseMs: number, fn: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (pauseMs > 0) await pause(pauseMs);
    times.push(await fn());
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Runs `fn` while a Process started first runs (held on a queue): its hub stays
 * in use, and so does its spare child, however long the pauses between starts.
 */
async function withHubInUse<T>(fn: () => Promise<T>): Promise<T> {
  const gate = new multiprocessing.Queue<number>();
  const held = new Process({ target: (g: multiprocessing.Queue<number>) => g.getSync(), args: [gate] });
  held.start();
  try {
    return await fn();
  } finally {
    gate.putSync(1);
    await held.join();
  }
}

/** start() of a loom Process until its target's first act (a put) reaches this process; joined after the clock stops. */
async function processFirstAct(): Promise<number> {
  const queue = new multiprocessing.Queue<number>();
  const t0 = performance.now();
  const p = new Process({ target: (q: multiprocessing.Queue<number>) => q.putSync(1), args: [queue] });
  p.start();
  await queue.get();
  const seconds = (performance.now() - t0) / 1000;
  await p.join();
  return seconds;
}

async function threadFirstAct(): Promise<number> {
  const queue = new Queue<number>();
  const t0 = performance.now();
  const t = new Thread({ target: (q: Queue<number>) => q.putSync(1), args: [queue] });
  t.start();
  await queue.get();
  const seconds = (performance.now() - t0) / 1000;
  await t.join();
  return seconds;
}

function rawWorkerFirstAct(): Promise<number> {
  const t0 = performance.now();
  const worker = new Worker(`require('node:worker_threads').parentPort.postMessage(1)`, { eval: true });
  return new Promise((resolve) => worker.once('message', () => resolve((performance.now() - t0) / 1000)));
}

/** A bare fork of Node running a file: its first IPC message. */
function rawForkFirstAct(file: string): Promise<number> {
  const t0 = performance.now();
  const child = fork(file, ['ready']);
  return new Promise((resolve) => child.once('message', () => {
    const seconds = (performance.now() - t0) / 1000;
    child.once('exit', () => resolve(seconds));
  }));
}

/** A bare spawn of Node (no IPC channel): its first byte on stdout. */
function rawSpawnFirstAct(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', 'process.stdout.write("1")'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout.once('data', () => {
    const seconds = (performance.now() - t0) / 1000;
    child.once('exit', () => resolve(seconds));
  }));
}

/** A new pool's first result; the pool is terminated after the clock stops. */
async function poolFirstResult(make: () => Pool | ThreadPool): Promise<number> {
  const t0 = performance.now();
  const pool = make();
  await pool.apply(inc, [1]);
  const seconds = (performance.now() - t0) / 1000;
  pool.terminate();
  await pool.join();
  return seconds;
}

export async function firstActRows(report: Report, runs: number, forkFile: string): Promise<void> {
  // One start outside the rows: loading loom's modules is once per process.
  await processFirstAct();
  report('first act loom Process, cold (no hub yet)', await median(runs, COLD_PAUSE_MS, processFirstAct));
  report('first act loom Process, spare ready', await withHubInUse(() => median(runs, WARM_PAUSE_MS, processFirstAct)));
  report('first act loom Process, back to back', await median(runs, 0, processFirstAct));
  report('first act raw spawn of node', await median(runs, 0, rawSpawnFirstAct));
  report('first act raw fork of node', await median(runs, 0, () => rawForkFirstAct(forkFile)));
  await threadFirstAct();
  report('first act loom Thread', await median(runs, 0, threadFirstAct));
  report('first act raw Worker', await median(runs, 0, rawWorkerFirstAct));
  report('first result loom Pool(2), cold (no hub yet)', await median(runs, COLD_PAUSE_MS, () => poolFirstResult(() => new Pool(2))));
  report('first result loom Pool(2), spare ready', await withHubInUse(() => median(runs, WARM_PAUSE_MS, () => poolFirstResult(() => new Pool(2)))));
  report('first result loom ThreadPool(2)', await median(runs, 0, () => poolFirstResult(() => new ThreadPool(2))));
}
