/**
 * Issue 15's benchmark: loom across machines against the engine under it and
 * its peers, in one run, on a redis-server started here on a free port:
 * - the engine's ceiling: `redis-benchmark` (Debian's redis-tools) on that port,
 *   and the Redis commands one BullMQ job costs (INFO commandstats);
 * - BullMQ alone: a Queue here and a Worker with `concurrency` slots in another
 *   process; jobs/s with one item per job (results back here, through
 *   QueueEvents), and the `apply`-style round trip (add one job, await it);
 * - loom's local Pool(2): apply round trip, one item per task, a map of small
 *   items, and the 13.4 primes map (the yardstick of the remote pool's);
 * - loom's remote Pool (`remoteRows` below): 2 real `loom worker` processes x 1
 *   process, started and stopped here, and a Pool(2) on `cluster(url)`;
 * - Dask distributed (Debian's python3-distributed, /usr/bin/python3): a
 *   LocalCluster of 2 worker processes, tasks/s and `submit().result()` round trip.
 * Every task is x + 1 (the primes aside). Each Node part runs in a fresh
 * process; the BullMQ and remote parts alternate twice, each row keeping its
 * best of the two. The machine is shared: read the ratios, which the same run measures
 * side by side, and the load average printed with them. Timing claims live
 * here, never in tests.
 *
 *   npm run bench:cluster [-- --quick]
 */
import { spawn, spawnSync, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { machineLoad } from '../src/display/index.js';
import { Pool } from '../src/index.js';
// loom's own local redis-server: a free port, a temporary directory, no persistence, tied to this process.
import { redisServerOnPath, startLocalRedis } from '../src/internal/cluster/local-redis.js';
import { inc, prime } from './lib-workers.js';
import { percentile } from './lib/measure.js';
import { primesInput } from './lib/primes.js';

const DASK_FILE = join(__dirname, '..', '..', 'bench', 'python', 'cluster_dask.py');
const WORKERS_FILE = join(__dirname, 'cluster-workers.js');
/** `loom worker` runs from bin/loom.js (the compiled worker main). */
const LOOM = join(__dirname, '..', '..', 'bin', 'loom.js');
const PYTHON = '/usr/bin/python3';
const args = process.argv.slice(2);
const quick = args.includes('--quick');

const CONFIG = {
  /** Worker processes on each side: loom's Pool(2), Dask's LocalCluster(2), and the remote pool's 2 workers x 1 process. */
  processes: 2,
  /** BullMQ Worker slots (its jobs are async: slots, not processes); the research measured 1.7-3.5k jobs/s with a few. */
  concurrency: 8,
  /** Jobs with one item each (BullMQ, loom's one-item tasks). */
  tasks: quick ? 1_000 : 10_000,
  /** Dask's tasks: about 500/s here. */
  daskTasks: quick ? 500 : 5_000,
  /** Small items in one chunked map. */
  mapItems: 100_000,
  /** Round trips timed after `warmup` untimed ones; the median and p95 are printed. */
  trips: quick ? 50 : 500,
  warmup: 20,
  /** Throughput rows are the best of this many runs. */
  repeat: quick ? 1 : 3,
  primes: primesInput(quick ? 40 : 200),
  /** Requests per redis-benchmark test. */
  benchmarkRequests: quick ? 10_000 : 100_000,
};

// ---------------------------------------------------------------- rows and timing

/** One measurement: a throughput (`seconds` for `tasks`), round trips (`ms`), a count (`value`), or why it was skipped. */
interface Row {
  name: string;
  seconds?: number;
  tasks?: number;
  ms?: number[];
  value?: number;
  skipped?: string;
  note?: string;
}

/** Prints a row for the parent process to read (sections run in child processes). */
function report(row: Row): void {
  console.log(JSON.stringify(row));
}

/** The fastest of `repeat` runs, in seconds. */
async function best(fn: () => unknown, repeat = CONFIG.repeat): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await fn();
    fastest = Math.min(fastest, (performance.now() - t0) / 1000);
  }
  return fastest;
}

/** Milliseconds of each of `trips` calls, after `warmup` untimed ones; `fn` gets the call's index. */
async function roundTrips(fn: (i: number) => Promise<unknown>, trips = CONFIG.trips, warmup = CONFIG.warmup): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const ms: number[] = [];
  for (let i = 0; i < trips; i++) {
    const t0 = performance.now();
    await fn(i);
    ms.push(performance.now() - t0);
  }
  return ms;
}

/** What the Redis server spent while something ran: commands (those a Lua script runs count too) and main-thread CPU seconds. */
interface ServerCost {
  commands: number;
  cpuSeconds: number;
}

/**
 * The Redis server's cost of `fn`, from INFO commandstats and INFO cpu. Redis
 * runs commands on one thread, so `1 / (cpuSeconds per task)` is where one
 * instance stops, whatever the clients do.
 */
async function serverCostDuring(url: string, fn: () => Promise<unknown>): Promise<ServerCost> {
  const IORedis = (await import('ioredis')).default;
  const redis = new IORedis(url);
  const read = async (): Promise<ServerCost> => {
    const info = await redis.info('commandstats');
    const cpu = await redis.info('cpu');
    const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
    return {
      commands: [...info.matchAll(/calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0),
      // Redis 6.2+ splits out the main thread (the one that runs commands); older ones give the process's.
      cpuSeconds: /used_cpu_user_main_thread/.test(cpu)
        ? field('used_cpu_user_main_thread') + field('used_cpu_sys_main_thread')
        : field('used_cpu_user') + field('used_cpu_sys'),
    };
  };
  try {
    const before = await read();
    await fn();
    const after = await read();
    return { commands: after.commands - before.commands - 2, cpuSeconds: after.cpuSeconds - before.cpuSeconds }; // less the two INFOs that read `before`
  } finally {
    redis.disconnect();
  }
}

const ITEMS = Array.from({ length: CONFIG.tasks }, (_, i) => i);

// ---------------------------------------------------------------- loom's remote Pool

/** The remote rows' names: the goals below look them up. */
const REMOTE = {
  jobs: 'loom remote Pool.map chunksize=1',
  roundTrip: 'loom remote Pool.apply round trip',
  primes: `loom remote 13.4 primes Pool.map (2 workers x 1 process)`,
  chunked: 'loom remote Pool.map default chunking',
  commands: 'loom remote Redis commands per task',
  cpu: 'loom remote Redis CPU per task',
} as const;

/**
 * Starts a `loom worker` process (bin/loom.js, the compiled worker) with one
 * local process on `url`; its output is kept for the error when it fails.
 */
function startLoomWorker(url: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [LOOM, 'worker', url, '--processes', '1', '--lease', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

/** SIGTERMs the workers (they finish, leave the registry, stop their pools) and waits until they exited; SIGKILL after 10 s. */
async function stopLoomWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(workers.map(async (child) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  }));
}

/**
 * loom's remote Pool, in its own process, on this run's redis-server: 2
 * `loom worker` processes x 1 process each (started here, stopped at the end),
 * a Pool of 2 on `cluster(url)`, the same inputs as the local rows.
 */
async function remoteRows(url: string): Promise<void> {
  const { cluster } = await import('../src/distributed/index.js');
  const workers = Array.from({ length: CONFIG.processes }, () => startLoomWorker(url));
  try {
    await using c = cluster(url);
    const deadline = Date.now() + 30_000;
    while ((await c.workers()).length < workers.length) {
      if (Date.now() > deadline) throw new Error(`loom workers not registered within 30 s:\n${workers.map((w) => w.output()).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    using pool = new Pool({ processes: CONFIG.processes, backend: c });
    await pool.map(inc, ITEMS.slice(0, CONFIG.warmup), { chunksize: 1 });
    let seconds = Infinity;
    const cost = await serverCostDuring(url, async () => {
      seconds = await best(() => pool.map(inc, ITEMS, { chunksize: 1 }), 1);
    });
    if (CONFIG.repeat > 1) seconds = Math.min(seconds, await best(() => pool.map(inc, ITEMS, { chunksize: 1 }), CONFIG.repeat - 1));
    report({ name: REMOTE.jobs, seconds, tasks: ITEMS.length, note: `${workers.length} loom worker processes x 1 process; Pool(${CONFIG.processes})` });
    report({ name: REMOTE.commands, value: cost.commands / ITEMS.length });
    report({ name: REMOTE.cpu, value: cost.cpuSeconds / ITEMS.length });
    report({ name: REMOTE.roundTrip, ms: await roundTrips((i) => pool.apply(inc, [i])) });
    // Chunked, as `map` does by default: one job carries many items (how a cluster gets past Redis's ceiling per job).
    const many = Array.from({ length: CONFIG.mapItems }, (_, i) => i);
    report({ name: REMOTE.chunked, seconds: await best(() => pool.map(inc, many)), tasks: many.length });
    await pool.map(prime, [10, 12]);
    report({ name: REMOTE.primes, seconds: await best(() => pool.map(prime, CONFIG.primes)), tasks: CONFIG.primes.length });
    pool.close();
    await pool.join();
  } finally {
    await stopLoomWorkers(workers.map((w) => w.child));
  }
}

// ---------------------------------------------------------------- sections (each in its own process)

/** Starts the BullMQ Worker process on `queue`; resolves once its connections are up. */
async function startBullWorker(url: string, queue: string): Promise<ChildProcess> {
  const child = fork(WORKERS_FILE, ['bullmq', url, queue, String(CONFIG.concurrency)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await Promise.race([once(child, 'message'), once(child, 'exit').then(() => ['exited'])])) as [unknown];
  if (message !== 'ready') throw new Error(`the BullMQ worker process did not start (${String(message)})`);
  return child;
}

const sections: Record<string, (url: string) => Promise<void>> = {
  async bullmq(url) {
    const { Queue, QueueEvents } = await import('bullmq');
    const IORedis = (await import('ioredis')).default;
    const name = `bench-${process.pid}`;
    const connection = new IORedis(url, { maxRetriesPerRequest: null });
    const eventsConnection = new IORedis(url, { maxRetriesPerRequest: null });
    // The events stream keeps about 10,000 events by default; a run of `tasks` jobs writes several each, all wanted.
    const queue = new Queue(name, { connection, streams: { events: { maxLen: CONFIG.tasks * 10 } } });
    const events = new QueueEvents(name, { connection: eventsConnection });
    await events.waitUntilReady();
    const worker = await startBullWorker(url, name);
    let completed = 0;
    let wake = (): void => {};
    events.on('completed', () => {
      completed++;
      wake();
    });
    /**
     * Adds one job per item and resolves once all are completed: counted from
     * the completion events, and checked against the queue's completed count
     * every 500 ms too (events can be trimmed or lost: never rely on them alone).
     */
    const runJobs = async (items: number[]): Promise<void> => {
      const target = completed + items.length;
      const countTarget = (await queue.getJobCounts('completed')).completed + items.length;
      const done = new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(() => finish(new Error(`BullMQ: ${target - completed} of ${items.length} jobs not completed within 120 s`)), 120_000);
        const recheck = setInterval(() => void queue.getJobCounts('completed').then((counts) => counts.completed >= countTarget && finish()), 500);
        const finish = (error?: Error): void => {
          clearTimeout(deadline);
          clearInterval(recheck);
          wake = () => {};
          if (error) reject(error);
          else resolve();
        };
        wake = () => completed >= target && finish();
      });
      await Promise.all([done, queue.addBulk(items.map((x) => ({ name: 'inc', data: { x } })))]);
    };
    try {
      await runJobs(ITEMS.slice(0, CONFIG.warmup));
      let seconds = Infinity;
      const cost = await serverCostDuring(url, async () => {
        seconds = await best(() => runJobs(ITEMS), 1);
      });
      if (CONFIG.repeat > 1) seconds = Math.min(seconds, await best(() => runJobs(ITEMS), CONFIG.repeat - 1));
      report({ name: 'BullMQ jobs, one item each', seconds, tasks: ITEMS.length, note: `1 Worker process, concurrency ${CONFIG.concurrency}; results back through QueueEvents` });
      report({ name: 'BullMQ Redis commands per job', value: cost.commands / ITEMS.length });
      report({ name: 'BullMQ Redis CPU per job', value: cost.cpuSeconds / ITEMS.length });
      report({
        name: 'BullMQ add + waitUntilFinished round trip',
        ms: await roundTrips(async (i) => {
          const job = await queue.add('inc', { x: i });
          if ((await job.waitUntilFinished(events, 10_000)) !== i + 1) throw new Error(`job ${job.id}: wrong result`);
        }),
      });
    } finally {
      worker.send('stop');
      await once(worker, 'exit');
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
      eventsConnection.disconnect();
    }
  },

  async local() {
    await using pool = new Pool(CONFIG.processes);
    await pool.map(inc, [1, 2]);
    report({ name: 'loom local Pool.apply round trip', ms: await roundTrips((i) => pool.apply(inc, [i])) });
    report({ name: 'loom local Pool.map chunksize=1', seconds: await best(() => pool.map(inc, ITEMS, { chunksize: 1 })), tasks: ITEMS.length });
    report({
      name: 'loom local Pool.applyAsync, one task each',
      seconds: await best(() => Promise.all(ITEMS.map((i) => pool.applyAsync(inc, [i]).get()))),
      tasks: ITEMS.length,
    });
    const many = Array.from({ length: CONFIG.mapItems }, (_, i) => i);
    report({ name: 'loom local Pool.map default chunking', seconds: await best(() => pool.map(inc, many)), tasks: many.length });
    await pool.map(prime, [10, 12]);
    report({ name: 'loom local 13.4 primes Pool.map (Pool(2))', seconds: await best(() => pool.map(prime, CONFIG.primes)), tasks: CONFIG.primes.length });
  },

  async remote(url) {
    await remoteRows(url);
  },
};

// ---------------------------------------------------------------- the run and the table

function rowsOf(output: string): Row[] {
  return output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Row);
}

function runSection(name: string, url: string): Row[] {
  const run = spawnSync(process.execPath, [__filename, '--section', name, '--url', url, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000,
  });
  if (run.status !== 0) console.error(`  section ${name} failed (${run.status ?? run.signal}); its rows are missing`);
  return rowsOf(run.stdout ?? '');
}

/**
 * redis-benchmark's requests per second for SET, LPUSH and LPOP on the run's
 * server: one command per round trip from 50 clients (bound by round trips), and
 * 16 in flight per client (`-P 16`, bound by the server's one thread).
 */
function engineRows(port: number): Row[] {
  const rows: Row[] = [];
  for (const pipeline of ['1', '16']) {
    const run = spawnSync('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-t', 'set,lpush,lpop', '-n', String(CONFIG.benchmarkRequests), '-P', pipeline, '-q'], {
      encoding: 'utf8', timeout: 300_000,
    });
    if (run.error || run.status !== 0) {
      return [{ name: 'redis-benchmark', skipped: `${run.error?.message ?? run.stderr.trim()}; Debian: apt-get install redis-tools` }];
    }
    // -q prints "SET: 123456.79 requests per second, p50=0.199 msec", after progress lines ended by \r.
    for (const match of run.stdout.matchAll(/(\w+): ([\d.]+) requests per second(?:, p50=([\d.]+) msec)?/g)) {
      rows.push({ name: `redis-benchmark ${match[1]}${pipeline === '1' ? '' : ` -P ${pipeline}`}`, value: Number(match[2]), note: `50 clients${match[3] ? `, p50 ${match[3]} ms` : ''}` });
    }
  }
  return rows;
}

function daskRows(): Row[] {
  const input = JSON.stringify({ workers: CONFIG.processes, tasks: CONFIG.daskTasks, trips: CONFIG.trips, warmup: CONFIG.warmup, repeat: CONFIG.repeat });
  const run = spawnSync(PYTHON, [DASK_FILE], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 600_000 });
  if (run.error) return [{ name: 'dask', skipped: `${PYTHON}: ${run.error.message}; Debian: apt-get install python3-distributed` }];
  if (run.status !== 0) return [{ name: 'dask', skipped: `${PYTHON} ${DASK_FILE} failed (${run.status ?? run.signal}): ${run.stderr.trim().split('\n').slice(-1)[0]}` }];
  return rowsOf(run.stdout);
}

const median = (row: Row | undefined): number | undefined => (row?.ms?.length ? percentile(row.ms, 50) : undefined);
const rate = (row: Row | undefined): number | undefined => (row?.seconds && row.tasks ? row.tasks / row.seconds : undefined);
const int = (value: number): string => Math.round(value).toLocaleString('en-US');

function printTable(rows: Map<string, Row>): void {
  const lines: string[][] = [['row', 'measured', 'compared with', 'ratio', 'note']];
  const against = (value: number | undefined, base: string, baseValue: number | undefined, higherIsBetter: boolean): [string, string] =>
    value === undefined || baseValue === undefined ? ['', ''] : [base, `${(higherIsBetter ? value / baseValue : baseValue / value).toFixed(2)}x`];
  const throughput = (name: string, base?: string): void => {
    const row = rows.get(name);
    if (!row || row.skipped) return;
    lines.push([name, `${int(rate(row)!)} tasks/s`, ...against(rate(row), base ?? '', base ? rate(rows.get(base)) : undefined, true), row.note ?? '']);
  };
  const trip = (name: string, base?: string): void => {
    const row = rows.get(name);
    if (!row?.ms) return;
    lines.push([name, `p50 ${median(row)!.toFixed(2)} ms, p95 ${percentile(row.ms, 95).toFixed(2)} ms`, ...against(median(row), base ?? '', base ? median(rows.get(base)) : undefined, false), row.note ?? '']);
  };
  for (const row of rows.values()) {
    if (row.name.startsWith('redis-benchmark') && row.value !== undefined) lines.push([row.name, `${int(row.value)} ops/s`, '', '', row.note ?? '']);
  }
  const pipelined = rows.get('redis-benchmark SET -P 16')?.value;
  for (const [commands, cpu] of [['BullMQ Redis commands per job', 'BullMQ Redis CPU per job'], [REMOTE.commands, REMOTE.cpu]]) {
    const [perTask, cpuPerTask] = [rows.get(commands)?.value, rows.get(cpu)?.value];
    if (perTask !== undefined) lines.push([commands, perTask.toFixed(1), '', '', pipelined ? `ceiling on paper: SET -P 16 ops/s / commands = ${int(pipelined / perTask)}/s` : '']);
    if (cpuPerTask) lines.push([cpu, `${(cpuPerTask * 1e6).toFixed(0)} us`, '', '', `ceiling: one Redis thread / CPU per task = ${int(1 / cpuPerTask)}/s`]);
  }
  throughput('BullMQ jobs, one item each');
  throughput(REMOTE.jobs, 'BullMQ jobs, one item each');
  throughput('loom local Pool.map chunksize=1', 'BullMQ jobs, one item each');
  throughput('loom local Pool.applyAsync, one task each', 'BullMQ jobs, one item each');
  throughput('dask client.map tasks', 'BullMQ jobs, one item each');
  throughput('loom local Pool.map default chunking');
  throughput(REMOTE.chunked, 'loom local Pool.map default chunking');
  trip('BullMQ add + waitUntilFinished round trip');
  trip(REMOTE.roundTrip, 'BullMQ add + waitUntilFinished round trip');
  trip('loom local Pool.apply round trip', 'BullMQ add + waitUntilFinished round trip');
  trip('dask client.submit round trip', 'BullMQ add + waitUntilFinished round trip');
  const primes = (name: string, base?: string): void => {
    const row = rows.get(name);
    if (!row?.seconds) return;
    lines.push([name, `${row.seconds.toFixed(3)} s`, ...against(rate(row), base ?? '', base ? rate(rows.get(base)) : undefined, true), '']);
  };
  primes('loom local 13.4 primes Pool.map (Pool(2))');
  primes(REMOTE.primes, 'loom local 13.4 primes Pool.map (Pool(2))');
  const widths = lines[0].map((_, c) => Math.max(...lines.map((line) => (line[c] ?? '').length)));
  console.log();
  for (const [i, line] of lines.entries()) {
    console.log(line.map((cell, c) => (c === 1 || c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log('\nratio: above 1 means the row does better than the one it is compared with (more tasks/s, a shorter round trip).');
  for (const row of rows.values()) if (row.skipped) console.log(`skipped ${row.name}: ${row.skipped}`);
}

/** Issue 15's goals for the remote pool, each met, missed, or waiting for its rows. */
function printGoals(rows: Map<string, Row>): void {
  const jobs = rate(rows.get(REMOTE.jobs));
  const trip = median(rows.get(REMOTE.roundTrip));
  const primes = rate(rows.get(REMOTE.primes));
  const [bullJobs, bullTrip] = [rate(rows.get('BullMQ jobs, one item each')), median(rows.get('BullMQ add + waitUntilFinished round trip'))];
  const [daskJobs, daskTrip] = [rate(rows.get('dask client.map tasks')), median(rows.get('dask client.submit round trip'))];
  const localPrimes = rate(rows.get('loom local 13.4 primes Pool.map (Pool(2))'));
  const goal = (what: string, value: number | undefined, base: number | undefined, met: (v: number, b: number) => boolean, show: (v: number, b: number) => string): void => {
    if (value === undefined || base === undefined) console.log(`  n/a   ${what}: ${value === undefined ? 'loom remote rows not measured yet' : 'the row to compare with is missing'}`);
    else console.log(`  ${met(value, base) ? 'met ' : 'MISS'}  ${what}: ${show(value, base)}`);
  };
  console.log('\ngoals (issue 15)');
  goal('remote pool >= 70% of bare BullMQ jobs/s, one item per job', jobs, bullJobs, (v, b) => v >= 0.7 * b, (v, b) => `${(v / b).toFixed(2)}x (goal 0.70x)`);
  goal('remote apply adds <= 1 ms to BullMQ round trip (p50)', trip, bullTrip, (v, b) => v - b <= 1, (v, b) => `+${(v - b).toFixed(2)} ms (goal +1 ms)`);
  goal('remote pool beats Dask task throughput', jobs, daskJobs, (v, b) => v > b, (v, b) => `${(v / b).toFixed(2)}x (goal > 1x)`);
  goal('remote pool beats Dask round trip (p50)', trip, daskTrip, (v, b) => v < b, (v, b) => `${(b / v).toFixed(2)}x (goal > 1x)`);
  goal('13.4 primes on 2 remote workers x 1 process >= 0.85x a local Pool(2)', primes, localPrimes, (v, b) => v >= 0.85 * b, (v, b) => `${(v / b).toFixed(2)}x (goal 0.85x)`);
}

/** Rounds of the BullMQ and remote sections, alternated. */
const ROUNDS = 2;

/** The better of two measurements of one row: more tasks/s, a lower median round trip; counts and costs, the lower. */
function bestOf(kept: Row | undefined, row: Row): Row {
  if (!kept || kept.skipped) return row;
  if (row.seconds !== undefined && kept.seconds !== undefined) return row.seconds < kept.seconds ? row : kept;
  if (row.ms && kept.ms) return percentile(row.ms, 50) < percentile(kept.ms, 50) ? row : kept;
  if (row.value !== undefined && kept.value !== undefined) return row.value < kept.value ? row : kept;
  return row;
}

function load(): string {
  return loadavg().map((value) => value.toFixed(2)).join(' ');
}

async function main(): Promise<void> {
  const idle = await machineLoad();
  console.log(`loom cluster bench: ${availableParallelism()} cores, Node ${process.version}${quick ? ' (quick)' : ''}`);
  console.log(`load average at start: ${load()} (1, 5, 15 min); before the run: ${idle}`);
  const rows = new Map<string, Row>();
  const add = (found: Row[]): void => found.forEach((row) => rows.set(row.name, row));
  /** Runs one part, saying what and how long it took (the quick mode is meant to stay under a minute). */
  const part = async (what: string, run: () => Row[] | Promise<Row[]>): Promise<void> => {
    process.stdout.write(`  ${what}...`);
    const t0 = performance.now();
    add(await run());
    process.stdout.write(` ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  };
  if (!redisServerOnPath()) {
    add([{ name: 'redis-server', skipped: 'no redis-server on PATH (Debian: apt-get install redis-server): engine, BullMQ and remote rows left out' }]);
  } else {
    await using redis = await startLocalRedis();
    await part(`redis-benchmark on port ${redis.port}`, () => engineRows(redis.port));
    // BullMQ and loom's remote pool alternate, ROUNDS times each, and each row keeps its best: on a shared
    // machine a section measured once can land in a busy moment its peer did not see.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const section of ['bullmq', 'remote']) await part(`${section} (round ${round} of ${ROUNDS})`, () => runSection(section, redis.url).map((row) => bestOf(rows.get(row.name), row)));
    }
  }
  await part('local', () => runSection('local', ''));
  await part('dask', daskRows);
  printTable(rows);
  printGoals(rows);
  console.log(`\nload average at the end: ${load()} (1, 5, 15 min)`);
}

const sectionArg = args.indexOf('--section');
if (sectionArg >= 0) void sections[args[sectionArg + 1]](args[args.indexOf('--url') + 1]).then(() => process.exit(0));
else void main();
