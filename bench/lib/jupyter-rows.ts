/**
 * bench:kernel's rows measured through Jupyter's own client (issue 18, goals
 * 1-3): kernel start to the first cell's result, 200 cells each declaring a
 * new name, and `jupyter nbconvert --to html --execute` of generated notebooks
 * of such cells (30 cells, and as many cells as each chapter notebook has),
 * Loom against ipykernel in the same run (python/kernel_first.py does the
 * measuring, with Debian's /usr/bin/python3).
 *
 * Loom is this build's kernel, installed under a name of its own into a
 * temporary Jupyter folder (never over the user's `loom`). Its checker's
 * start-up snapshot is built before anything is timed, as a second kernel
 * start finds it (kernel/checker/snapshot.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSnapshot, defaultSnapshotFolder, usableSnapshot } from '../../kernel/checker/snapshot.js';
import { installKernelspec } from '../../kernel/install/kernelspec.js';
import { percentile } from './measure.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, '..', '..', '..', 'bench', 'python', 'kernel_first.py');
const LOOM_SPEC = 'loom-bench';

export type Part = 'first' | 'cells' | 'nbconvert';

interface Options {
  root: string;
  parts: Part[];
  rounds: number;
  cells: number;
}

type Result =
  | { part: 'first'; kernel: string; ready: number; first: number }
  | { part: 'cells'; kernel: string; ms: number[] }
  | { part: 'nbconvert'; kernel: string; cells: number; seconds: number }
  | { part: 'problem'; kernel: string; what: string };

/** Whether Debian's Jupyter client and ipykernel are there; the reason when not. */
export function jupyterMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import jupyter_client, nbconvert, ipykernel'], { stdio: 'ignore' });
  return probe.status === 0 ? undefined : `${PYTHON} cannot import jupyter_client, nbconvert and ipykernel (apt-get install python3-nbconvert python3-ipykernel)`;
}

/** Runs the measurements and prints their tables; false when Loom had a problem. */
export async function jupyterRows(options: Options): Promise<boolean> {
  const missing = jupyterMissing();
  if (missing) {
    console.log(`Jupyter rows skipped: ${missing}`);
    return true;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'loom-bench-jupyter-'));
  try {
    installKernelspec({ location: { kind: 'prefix', dir: join(tmp, 'prefix') }, name: LOOM_SPEC, displayName: 'Loom (bench)' });
    const snapshot = await readySnapshot();
    const load = loadavg();
    const results = runPython(tmp, options);
    const after = loadavg();
    console.log(`\nThrough jupyter_client (Debian's), Loom and ipykernel 6.17 alternating, ${options.rounds} rounds; ` +
      `load average ${load.map((l) => l.toFixed(1)).join(' ')} before, ${after.map((l) => l.toFixed(1)).join(' ')} after; ${snapshot}`);
    printFirst(results);
    printCells(results);
    printNbconvert(results);
    const problems = results.filter((r): r is Extract<Result, { part: 'problem' }> => r.part === 'problem');
    for (const p of problems) console.log(`${p.kernel}: ${p.what}`);
    return !problems.some((p) => p.kernel === 'Loom');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Builds the checker's snapshot if this build has none yet; says which start the rows measure. */
async function readySnapshot(): Promise<string> {
  const dir = defaultSnapshotFolder();
  if (dir === undefined) return 'no snapshot folder: the checker starts the ordinary way';
  if (usableSnapshot(dir) === undefined) {
    process.stderr.write('Loom: building the checker snapshot...\n');
    await buildSnapshot(dir);
  }
  return usableSnapshot(dir) ? 'Loom\'s checker starts from its snapshot' : 'the snapshot could not be built: the checker starts the ordinary way';
}

function runPython(tmp: string, options: Options): Result[] {
  const input = JSON.stringify({
    kernels: { Loom: LOOM_SPEC, ipykernel: 'python3' },
    warm: { Loom: LOOM_SPEC },
    rounds: options.rounds,
    cells: options.cells,
    shapes: [30, ...chapterShapes(options.root)],
    parts: options.parts,
    workdir: tmp,
  });
  process.stderr.write(`Loom and ipykernel through jupyter_client (${options.parts.join(', ')})...\n`);
  // LOOM_CHECKER_IDLE_MS=0: the user's shared checker leaves with its last kernel, so each Loom row starts
  // as a user's first notebook does (with no checker running), but for the rows with another notebook open.
  const env = { ...process.env, LOOM_CHECKER_IDLE_MS: '0', JUPYTER_PATH: join(tmp, 'prefix', 'share', 'jupyter'), JUPYTER_DATA_DIR: join(tmp, 'data'), JUPYTER_RUNTIME_DIR: join(tmp, 'runtime'), IPYTHONDIR: join(tmp, 'ipython') };
  const run = spawnSync(PYTHON, [SCRIPT], { input, env, cwd: tmp, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'], timeout: 3_600_000 });
  const rows = run.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Result);
  if (run.status !== 0) rows.push({ part: 'problem', kernel: 'Loom', what: `kernel_first.py ended with ${run.status ?? run.signal ?? run.error?.message}` });
  return rows;
}

/** How many code cells each chapter notebook has (distinct counts). */
function chapterShapes(root: string): number[] {
  const dir = join(root, 'notebooks');
  const counts = readdirSync(dir).filter((name) => name.endsWith('.ipynb')).map((name) => {
    const notebook = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { cells: { cell_type: string }[] };
    return notebook.cells.filter((cell) => cell.cell_type === 'code').length;
  });
  return [...new Set(counts)].filter((n) => n !== 30).sort((a, b) => a - b);
}

const median = (values: number[]): number => percentile(values, 50);

function ratio(loom: number | undefined, peer: number | undefined): string {
  return loom !== undefined && peer !== undefined && peer > 0 ? `${(loom / peer).toFixed(2)}x` : 'n/a';
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const line of [header, widths.map((w) => '-'.repeat(w)), ...rows]) {
    console.log(line.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | '));
  }
}

function printFirst(results: Result[]): void {
  const firsts = results.filter((r): r is Extract<Result, { part: 'first' }> => r.part === 'first');
  if (firsts.length === 0) return;
  const of = (kernel: string): { ready: number; first: number; total: number } | undefined => {
    const mine = firsts.filter((r) => r.kernel === kernel);
    if (mine.length === 0) return undefined;
    return { ready: median(mine.map((r) => r.ready)), first: median(mine.map((r) => r.first)), total: median(mine.map((r) => r.ready + r.first)) };
  };
  const WARM = 'Loom, another notebook open';
  const [loom, warm, ipy] = [of('Loom'), of(WARM), of('ipykernel')];
  const fmt = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(3));
  console.log('\nStart to the first `1+1` result (goal 1), seconds, median of the rounds (Loom: no other notebook open, so its type checker starts too; then with another one open):');
  table(['kernel', 'start→ready (kernel_info)', 'ready→first result', 'start→first result', 'all rounds (start→first result)'], [
    ...[['Loom', loom], [WARM, warm], ['ipykernel', ipy]].filter(([, row]) => row !== undefined).map(([name, row]) => {
      const r = row as ReturnType<typeof of>;
      const all = firsts.filter((f) => f.kernel === name).map((f) => (f.ready + f.first).toFixed(2)).join(' ');
      return [name as string, fmt(r?.ready), fmt(r?.first), fmt(r?.total), all];
    }),
  ]);
  console.log(`Loom / ipykernel, start→first result: ${ratio(loom?.total, ipy?.total)}; with another notebook open: ${ratio(warm?.total, ipy?.total)} (goal: at most 1.00x)`);
}

function printCells(results: Result[]): void {
  const cells = results.filter((r): r is Extract<Result, { part: 'cells' }> => r.part === 'cells');
  if (cells.length === 0) return;
  console.log(`\nCells each declaring a new name (goal 2), ${cells[0]!.ms.length} in a row in one kernel, ms:`);
  const stats = new Map(cells.map((r) => [r.kernel, { median: median(r.ms), p95: percentile(r.ms, 95), max: Math.max(...r.ms), over2x: r.ms.filter((ms) => ms > 2 * median(r.ms)).length }]));
  table(['kernel', 'median', 'p95', 'max', 'max / median', 'cells above 2x median'], [...stats].map(([kernel, s]) => [
    kernel, s.median.toFixed(1), s.p95.toFixed(1), s.max.toFixed(1), `${(s.max / s.median).toFixed(1)}x`, String(s.over2x),
  ]));
  console.log(`Loom / ipykernel, median: ${ratio(stats.get('Loom')?.median, stats.get('ipykernel')?.median)} (goal: at most 1.00x, and no Loom cell above 2x its median)`);
}

function printNbconvert(results: Result[]): void {
  const runs = results.filter((r): r is Extract<Result, { part: 'nbconvert' }> => r.part === 'nbconvert');
  if (runs.length === 0) return;
  console.log('\n`jupyter nbconvert --to html --execute` of a generated notebook of such cells (goal 3), seconds, median of the rounds:');
  const shapes = [...new Set(runs.map((r) => r.cells))];
  const of = (kernel: string, cells: number): number | undefined => {
    const mine = runs.filter((r) => r.kernel === kernel && r.cells === cells).map((r) => r.seconds);
    return mine.length ? median(mine) : undefined;
  };
  table(['cells', 'Loom', 'ipykernel', 'Loom / ipykernel'], shapes.map((cells) => {
    const [loom, ipy] = [of('Loom', cells), of('ipykernel', cells)];
    return [`${cells}${cells === 30 ? '' : " (a chapter's)"}`, loom?.toFixed(2) ?? '-', ipy?.toFixed(2) ?? '-', ratio(loom, ipy)];
  }));
  // The per-cell cost is the slope of time over cells (least squares over the shapes): start-up drops out.
  const slope = (kernel: string): number | undefined => {
    const points = shapes.map((cells) => [cells, of(kernel, cells)] as const).filter((p): p is readonly [number, number] => p[1] !== undefined);
    if (points.length < 2) return undefined;
    const mx = points.reduce((a, p) => a + p[0], 0) / points.length;
    const my = points.reduce((a, p) => a + p[1], 0) / points.length;
    const den = points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
    return den > 0 ? points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / den : undefined;
  };
  const [loomSlope, ipySlope] = [slope('Loom'), slope('ipykernel')];
  if (loomSlope !== undefined && ipySlope !== undefined) {
    console.log(`Per cell (slope over the shapes): Loom ${(loomSlope * 1000).toFixed(1)} ms, ipykernel ${(ipySlope * 1000).toFixed(1)} ms, ${ratio(loomSlope, ipySlope)}`);
  }
  console.log('Goal: at most 1.00x for each shape and per cell.');
}
