/**
 * Kernel benchmark: Loom side by side with ipykernel and tslab, in one run,
 * on this machine. `npm run bench:kernel`. The only place timing claims live.
 * Then, through Jupyter's own client, start to the first result, cells that
 * declare new names and nbconvert, against ipykernel (lib/jupyter-rows.ts);
 * then, in a Loom kernel of its own, code shipped to workers against the
 * main thread (lib/worker-loops.ts). `-- --only round-trips|jupyter|workers`
 * runs just those parts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelClient } from '../kernel/client/client.js';
import { percentile, roundTrips, stream, timeCell, type Stream } from './lib/measure.js';
import { liveKernels, timeToKernelInfo } from './lib/startup.js';
import { TSLAB_HINT, tslabArgv } from './lib/tslab.js';
import { jupyterRows } from './lib/jupyter-rows.js';
import { measureWorkerLoops, printWorkerLoops } from './lib/worker-loops.js';

const ROOT = join(__dirname, '..', '..');
const ROUND_TRIPS = 200;
const STREAM_LINES = 100_000;
const CAP_SECONDS = 120;
/**
 * Where tslab is looked for besides node_modules. Not in Loom's own
 * node_modules: its TypeScript 5.0 takes over node_modules/.bin/tsc there,
 * and the next npm install that prunes it deletes .bin/tsc altogether.
 */
const TS_LOOP = `for (let i = 0; i < ${STREAM_LINES}; i++) console.log(i)`;

interface Contender {
  name: string;
  argv: string[];
  loop: string;
}

/** A kernel's results; after a problem the later measurements are left out. */
interface Row {
  name: string;
  start?: number;
  firstCell?: number;
  p50?: number;
  p95?: number;
  /** Round trips measured: fewer than ROUND_TRIPS when one hung. */
  trips?: number;
  stream?: Stream;
  problems: string[];
}

/** The kernels present on this machine; the absent ones are named in a note. */
function contenders(): { present: Contender[]; notes: string[] } {
  const present: Contender[] = [
    { name: 'Loom', argv: [process.execPath, join(ROOT, 'dist', 'kernel', 'cli', 'main.js'), 'kernel', '{connection_file}'], loop: TS_LOOP },
  ];
  const notes: string[] = [];
  if (spawnSync('/usr/bin/python3', ['-c', 'import ipykernel'], { stdio: 'ignore' }).status === 0) {
    present.push({
      name: 'ipykernel',
      argv: ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
      loop: `for i in range(${STREAM_LINES}): print(i)`,
    });
  } else notes.push('ipykernel skipped: /usr/bin/python3 cannot import ipykernel (apt-get install python3-ipykernel)');
  const tslab = tslabArgv(ROOT);
  if (tslab) {
    present.push({ name: 'tslab', argv: tslab, loop: TS_LOOP });
  } else {
    notes.push(`tslab skipped: ${TSLAB_HINT}`);
  }
  return { present, notes };
}

/**
 * All measurements for one kernel. A kernel that hangs in the round trips is
 * replaced by a fresh one for the stream; any other failure ends its row.
 * Every kernel started here is shut down whatever happens.
 */
async function measure(contender: Contender): Promise<Row> {
  const say = (what: string): boolean => process.stderr.write(`${contender.name}: ${what}...\n`);
  const row: Row = { name: contender.name, problems: [] };
  const startClient = async (): Promise<KernelClient> => {
    const started = await KernelClient.start({ argv: contender.argv, cwd: ROOT });
    const child = started.process;
    if (child) {
      liveKernels.add(child);
      child.once('exit', () => liveKernels.delete(child));
    }
    return started;
  };
  let client: KernelClient | undefined;
  try {
    say('starting 3 times');
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) starts.push(await timeToKernelInfo(contender.argv, ROOT));
    row.start = percentile(starts, 50);
    client = await startClient();
    row.firstCell = await timeCell(client, '1+1');
    say(`${ROUND_TRIPS} round trips`);
    const { ms, problem } = await roundTrips(client, '1+1', ROUND_TRIPS);
    if (ms.length > 0) [row.p50, row.p95, row.trips] = [percentile(ms, 50), percentile(ms, 95), ms.length];
    if (problem) {
      row.problems.push(`${problem}; the stream ran in a fresh kernel`);
      await client.close();
      client = await startClient();
    }
    say(`streaming ${STREAM_LINES} lines`);
    row.stream = await stream(client, contender.loop, CAP_SECONDS);
  } catch (error) {
    row.problems.push((error as Error).message);
  } finally {
    await client?.close();
  }
  return row;
}

function printTable(rows: Row[]): void {
  const header = ['kernel', 'start→kernel_info s (median of 3)', 'first 1+1 s', `1+1 p50 ms (n=${ROUND_TRIPS})`, '1+1 p95 ms', `${STREAM_LINES} lines s`, 'lines delivered', 'idle'];
  const fixed = (value: number | undefined, digits: number): string => (value === undefined ? '-' : value.toFixed(digits));
  const trips = (r: Row): string => (r.trips !== undefined && r.trips < ROUND_TRIPS ? ` (n=${r.trips})` : '');
  const cells = rows.map((r) => [
    r.name, fixed(r.start, 3), fixed(r.firstCell, 3), fixed(r.p50, 2) + trips(r), fixed(r.p95, 2) + trips(r), fixed(r.stream?.seconds, 2),
    r.stream ? String(r.stream.lines) : '-', r.stream ? (r.stream.idle ? 'yes' : `no (cap ${CAP_SECONDS} s)`) : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  for (const line of [header, widths.map((w) => '-'.repeat(w)), ...cells]) {
    console.log(line.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | '));
  }
  for (const row of rows) for (const problem of row.problems) console.log(`${row.name}: ${problem}`);
}

/** Loom's numbers divided by the other kernel's: below 1 means Loom is faster. */
function printRatios(rows: Row[]): void {
  const loom = rows.find((r) => r.name === 'Loom');
  if (!loom) return;
  const ratio = (a: number | undefined, b: number | undefined, bound = ''): string =>
    a !== undefined && b !== undefined && b > 0 ? `${bound}${(a / b).toPrecision(2)}x` : 'n/a';
  for (const other of rows.filter((r) => r !== loom)) {
    // A capped stream's real time is longer than its cap, so the ratio is a bound, not a value.
    const [loomCapped, otherCapped] = [loom.stream?.idle === false, other.stream?.idle === false];
    const bound = loomCapped && otherCapped ? 'both capped, n/a: ' : otherCapped ? '<' : loomCapped ? '>' : '';
    console.log(
      `Loom vs ${other.name} (Loom / ${other.name}, below 1 = Loom faster): start ${ratio(loom.start, other.start)}, ` +
        `1+1 p50 ${ratio(loom.p50, other.p50)}, p95 ${ratio(loom.p95, other.p95)}, ` +
        `${STREAM_LINES} lines ${ratio(loom.stream?.seconds, other.stream?.seconds, bound)}${bound ? ' (a stream hit the cap)' : ''}`,
    );
  }
}

/** Shipped loops against the main thread, in a fresh Loom kernel; a failure is printed and fails the run. */
async function workerLoops(loom: Contender): Promise<void> {
  process.stderr.write('Loom: loops on the main thread and in workers...\n');
  let client: KernelClient | undefined;
  try {
    client = await KernelClient.start({ argv: loom.argv, cwd: ROOT });
    const child = client.process;
    if (child) liveKernels.add(child);
    printWorkerLoops(await measureWorkerLoops(client));
  } catch (error) {
    console.log(`Loom: shipped loops: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    if (client?.process) liveKernels.delete(client.process);
    await client?.close();
  }
}

/** `--only round-trips|jupyter|workers` (may repeat), `--rounds N` for the jupyter rows. */
function parseArgs(): { only: Set<string>; rounds: number } {
  const args = process.argv.slice(2);
  const only = new Set<string>();
  let rounds = 3;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--only') only.add(args[++i] ?? '');
    else if (args[i] === '--rounds') rounds = Number(args[++i]);
  }
  return { only, rounds };
}

async function main(): Promise<void> {
  const { present, notes } = contenders();
  const { only, rounds } = parseArgs();
  const wants = (part: string): boolean => only.size === 0 || only.has(part);
  const rows: Row[] = [];
  if (wants('round-trips')) for (const contender of present) rows.push(await measure(contender));
  console.log(`\nKernel benchmark on Node ${process.version}, ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  if (wants('round-trips')) {
    printTable(rows);
    console.log('');
    printRatios(rows);
    for (const note of notes) console.log(`note: ${note}`);
  }
  if (wants('jupyter') && !(await jupyterRows({ root: ROOT, parts: ['first', 'cells', 'nbconvert'], rounds, cells: 200 }))) process.exitCode = 1;
  if (wants('workers')) await workerLoops(present[0]!);
  // Only Loom's own problems fail the run; the others' are reported above.
  if (rows.some((r) => r.name === 'Loom' && r.problems.length > 0)) process.exitCode = 1;
}

// Kernels ignore SIGINT (it means "interrupt the cell"), so Ctrl+C must end them here.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of liveKernels) child.kill('SIGKILL');
    process.exit(130);
  });
}

void main();
