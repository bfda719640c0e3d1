/**
 * Issue 15, test 9: the 13.4 and 13.6 examples give the same results with
 * their pools on a cluster (2 real `loom worker` processes x 1 process) as on
 * a local Pool / ProcessPoolExecutor of 2 processes. They run as a notebook
 * runs them: cells of a real kernel (type-checked first, so `import { cluster }
 * from 'loom/distributed'` must resolve for the checker too), with the
 * notebooks' own cells for the seeded random numbers and prime() read from the
 * .ipynb files. What the examples do mirrors the chapter's Python:
 * multiprocessing.Pool.map / map_async (ready, wait, get) and a worker's
 * exception re-raised in the caller (CPython's test_multiprocessing test_map,
 * test_async, test_async_error_callback), and concurrent.futures'
 * submit + as_completed and wait(FIRST_COMPLETED) (test_concurrent_futures
 * AsCompletedTests, WaitTests), the last with 13.6's folder walk, whose task
 * uses the cell's imports (node:fs, node:path) on the workers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KernelClient, type Execution } from '../../kernel/client/client.js';
import { cluster, type Cluster } from '../../src/distributed/index.js';
import { assertOk, closeNotebook, notebookFolder } from '../helpers/notebook-kernel.js';
import { streamText } from '../helpers/outputs.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { redisServerInstalled, startRedis, type RunningRedis } from '../helpers/redis-server.js';
import { Workers } from './workers.js';

const NOTEBOOKS = join(__dirname, '..', '..', '..', 'notebooks');
/** The folder 13.6 walks (the project's src/): the workers run on this machine, so they see it too. */
const SRC = join(__dirname, '..', '..', '..', 'src');

/** The source of the first code cell of `notebook` that starts with `start` (the notebook's own code, not a copy). */
function notebookCell(notebook: string, start: string): string {
  const cells = (JSON.parse(readFileSync(join(NOTEBOOKS, notebook), 'utf8')) as { cells: { cell_type: string; source: string[] | string }[] }).cells;
  const found = cells.map((cell) => (cell.cell_type === 'code' ? [cell.source].flat().join('') : '')).find((source) => source.trimStart().startsWith(start));
  assert.ok(found !== undefined, `${notebook} has no code cell starting with ${start}`);
  return found;
}

/**
 * The examples, as one function of the cell's: `pool(n)` makes a Pool of n
 * processes and `executor()` a ProcessPoolExecutor of 2 workers, local or on
 * the cluster. Returns what each example printed or returned, as JSON.
 */
const EXAMPLES = String.raw`
function checkedPrime(value: number): number[] {
  if (!Number.isInteger(value)) throw new RangeError(${'`${value} is not a whole number`'});
  return prime(value);
}
const double = (x: number) => x * 2;
/** The error's class and message, and whether it carries the worker's stack as its cause. */
function caught(error: unknown): string {
  const e = error as Error;
  return ${'`${e.name}: ${e.message} (cause: ${e.cause instanceof Error})`'};
}

/** 13.6's last example: one folder's subfolders, and its paths that contain the query. */
function matchesIn(path: string, queryString: string): { subdirs: string[]; matches: string[] } {
  const subdirs: string[] = [];
  const matches: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const fullPath = resolve(path, entry.name);
    if (entry.isDirectory() && !entry.isSymbolicLink()) subdirs.push(fullPath);
    if (fullPath.includes(queryString)) matches.push(fullPath);
  }
  return { subdirs, matches };
}

async function examples(pool: (n: number) => Pool, executor: () => ProcessPoolExecutor): Promise<string> {
  const shown: Record<string, unknown> = {};
  // 13.4: the chapter's map, on 20 seeded random numbers.
  {
    using p = pool(2);
    seed(13);
    const toFactor = Array.from({ length: 20 }, () => randint(1e5, 5e7));
    const results = await p.map(prime, toFactor);
    shown.map = toFactor.map((value, i) => ${'`the factors of ${value} are [${results[i].join(\', \')}]`'});
    shown.factorsMultiplyBack = toFactor.every((value, i) => results[i].reduce((a, b) => a * b, 1) === value);

    // mapAsync: ready() before and after, get() twice gives the same list.
    seed(7);
    const more = Array.from({ length: 40 }, () => randint(1e5, 5e7));
    const mapObject = p.mapAsync(prime, more);
    await mapObject.wait();
    const first = await mapObject.get();
    const second = await mapObject.get();
    shown.mapAsync = [mapObject.ready(), first.length, JSON.stringify(first) === JSON.stringify(second), first];

    // The pool's doubling of 100,000 numbers, default chunks and chunks of 25,000.
    const numbers = Array.from({ length: 100_000 }, (_, i) => i);
    const expected = JSON.stringify(numbers.map(double));
    shown.double = [JSON.stringify(await p.map(double, numbers)) === expected, JSON.stringify(await p.map(double, numbers, { chunksize: 25_000 })) === expected];

    // A worker's exception comes back with its class and message.
    shown.checkedPrime = await p.map(checkedPrime, [12, 7.5]).then(String, caught);
  }
  // A scoped pool, and a mapAsync handed out of its block (the pool terminated under it).
  {
    await using scoped = pool(1);
    seed(13);
    shown.scoped = await scoped.map(prime, Array.from({ length: 3 }, () => randint(1e5, 5e7)));
  }
  let late;
  {
    using scoped = pool(1);
    late = scoped.mapAsync(prime, [28_907_859, 18_069_846]);
  }
  shown.late = await late.get(5).then(String, caught);

  // 13.6: submit prime for each number, collected with asCompleted in the order they finish.
  const sixNumbers = [28359500, 18069846, 3622483, 2503525, 1934866, 438008];
  const processes = executor();
  const futures = new Map<Future<number[]>, number>(sixNumbers.map((n) => [processes.submit(prime, n), n]));
  const found = new Map<number, number[]>();
  for await (const done of asCompleted(futures.keys())) found.set(futures.get(done)!, await done.result());
  // 13.6's walk of a folder tree, a task per folder, taken as they finish (wait, FIRST_COMPLETED), here on processes.
  const allMatches: string[] = [];
  const running = new Set([processes.submit(matchesIn, walkRoot, 'queue')]);
  while (running.size > 0) {
    const { done } = await wait(running, { returnWhen: FIRST_COMPLETED });
    for (const finished of done) {
      running.delete(finished);
      const { subdirs, matches } = await finished.result();
      allMatches.push(...matches);
      for (const subdir of subdirs) running.add(processes.submit(matchesIn, subdir, 'queue'));
    }
  }
  shown.walk = allMatches.map((path) => relative(walkRoot, path)).sort();
  await processes.shutdown();
  shown.asCompleted = sixNumbers.map((n) => ${'`${n} = ${found.get(n)!.join(\' × \')}`'});
  return JSON.stringify(shown, null, 1);
}
`;

const installed = redisServerInstalled('the notebook examples on a cluster');

describe('the 13.4 and 13.6 examples in a notebook, on a local pool and on a cluster of 2 workers', { skip: !installed }, () => {
  let redis: RunningRedis;
  let workers: Workers;
  let c: Cluster;
  let kernel: KernelClient;
  let notebook: string;
  const cell = (code: string): Promise<Execution> => kernel.execute(code, { timeoutMs: 120_000 });

  before(async () => {
    redis = await startRedis();
    workers = new Workers(redis.url);
    c = cluster(redis.url, { lease: 1 });
    await workers.startMany(c, 2, { processes: 1, lease: 1 });
    notebook = notebookFolder('loom-cluster-notebook-', {});
    kernel = await KernelClient.start({ cwd: notebook });
    assertOk(await cell(notebookCell('13.4-pools.ipynb', '/** A tiny seeded random number generator')));
    assertOk(await cell(notebookCell('13.4-pools.ipynb', 'function prime(')));
    assertOk(await cell([
      "import { Pool } from 'loom/multiprocessing';",
      "import { ProcessPoolExecutor, asCompleted, wait, FIRST_COMPLETED, type Future } from 'loom/futures';",
      "import { readdirSync } from 'node:fs';",
      "import { relative, resolve } from 'node:path';",
      `const walkRoot = ${JSON.stringify(SRC)};`,
      "import { cluster } from 'loom/distributed';",
      EXAMPLES,
    ].join('\n')));
  });

  after(async () => {
    if (kernel) await closeNotebook(kernel, notebook);
    await c?.close();
    await workers?.killAll();
    await redis?.stop();
    await waitForExit(descendantsOf(process.pid), 10_000);
  });

  test('the same results, errors and order on both', async () => {
    const printed = async (code: string): Promise<string> => {
      const run = await cell(code);
      assertOk(run);
      return streamText(run.iopub);
    };
    const local = await printed('console.log(await examples((n) => new Pool(n), () => new ProcessPoolExecutor({ maxWorkers: 2 })));');
    const remote = await printed([
      `await using c = cluster(${JSON.stringify(redis.url)}, { lease: 1 });`,
      'const workers = await c.workers();',
      "if (workers.length !== 2) throw new Error(`expected 2 workers, found ${workers.length}`);",
      'console.log(await examples((n) => new Pool({ processes: n, backend: c }), () => new ProcessPoolExecutor({ maxWorkers: 2, backend: c })));',
    ].join('\n'));
    assert.equal(remote, local);
    const shown = JSON.parse(local) as Record<string, unknown>;
    assert.equal(shown.factorsMultiplyBack, true);
    assert.deepEqual(shown.double, [true, true]);
    assert.equal(shown.checkedPrime, 'RangeError: 7.5 is not a whole number (cause: true)');
    assert.equal(shown.late, 'PoolStateError: the pool was terminated before this task finished (cause: false)');
    assert.ok((shown.walk as string[]).includes('queue'), `the walk found src/queue: ${JSON.stringify(shown.walk)}`);
    assert.deepEqual((shown.asCompleted as string[])[0], '28359500 = 2 × 2 × 5 × 5 × 5 × 13 × 4363');
  });
});
