/**
 * Cell benchmark: how a type-checked cell's round trip and completion hold up
 * as a notebook grows, for Loom and (when `node_modules/tslab` exists) tslab,
 * measured in the same run on this machine.
 *
 *   node node_modules/typescript/bin/tsc -p . && node dist/bench/cells.js
 *   npm i --prefix /tmp/loom-bench-tslab tslab   # to compare with tslab (see lib/tslab.ts)
 *
 * Each earlier cell declares an interface, a function and a const, and uses
 * the const of the cell before it, so every cell depends on the last. The
 * measured cell is trivial but type-checked against all of them: `v<n> * i`,
 * a different i each time.
 * Goals: after 200 cells, Loom's round trip under a quarter of tslab's, and
 * completion under 100 ms at p95.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChildProcess } from 'node:child_process';
import { KernelClient } from '../kernel/client/client.js';
import { TSLAB_HINT, tslabArgv } from './lib/tslab.js';

const ROOT = join(__dirname, '..', '..');
const MILESTONES = [1, 50, 200];
/** Round trips measured at each milestone (after WARMUP unmeasured ones). */
const TRIPS = 21;
const WARMUP = 3;
const COMPLETIONS = 100;
const CELL_LIMIT_MS = 120_000;

interface Contender {
  name: string;
  argv: string[];
}

interface Row {
  name: string;
  /** Milestone -> median round trip, ms. */
  trip: Map<number, number>;
  /** Seconds to run the earlier cells of the last milestone, all together. */
  setup?: number;
  completionP50?: number;
  completionP95?: number;
  problems: string[];
}

const live = new Set<ChildProcess>();

function contenders(): { present: Contender[]; notes: string[] } {
  const present: Contender[] = [
    { name: 'Loom', argv: [process.execPath, join(ROOT, 'dist', 'kernel', 'cli', 'main.js'), 'kernel', '{connection_file}'] },
  ];
  const notes: string[] = [];
  const tslab = tslabArgv(ROOT);
  if (tslab) present.push({ name: 'tslab', argv: tslab });
  else notes.push(`tslab skipped: ${TSLAB_HINT}`);
  return { present, notes };
}

/** Earlier cell i (1-based): declares Shape<i>, make<i> and v<i>, using v<i-1>. */
function earlierCell(i: number): string {
  if (i === 1) return 'const v0: number = 0;\ninterface Shape1 { value: number }\nfunction make1(n: number): Shape1 { return { value: n + v0 }; }\nconst v1 = make1(1).value;';
  return [
    `interface Shape${i} { value: number; previous: number }`,
    `function make${i}(n: number): Shape${i} { return { value: n + v${i - 1}, previous: v${i - 1} }; }`,
    `const v${i}: number = make${i}(1).value;`,
  ].join('\n');
}

/** Milliseconds for one execute (reply and idle); throws when the cell fails or takes too long. */
async function timeCell(client: KernelClient, code: string): Promise<number> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply and idle within ${CELL_LIMIT_MS} ms for ${JSON.stringify(code.slice(0, 40))}`)), CELL_LIMIT_MS);
  });
  try {
    const { reply } = await Promise.race([client.execute(code, { timeoutMs: CELL_LIMIT_MS }), limit]);
    if (reply.content.status !== 'ok') throw new Error(`${JSON.stringify(code.slice(0, 60))} failed: ${reply.content.ename}: ${reply.content.evalue}`);
    return performance.now() - t0;
  } finally {
    clearTimeout(timer);
  }
}

async function timeCompletion(client: KernelClient, code: string, expected: string): Promise<number> {
  const t0 = performance.now();
  const reply = await client.request('shell', 'complete_request', { code, cursor_pos: [...code].length }, 30_000);
  const ms = performance.now() - t0;
  const matches = (reply.content.matches ?? []) as string[];
  if (!matches.includes(expected)) throw new Error(`completing ${JSON.stringify(code)} gave no ${expected}: ${JSON.stringify(matches.slice(0, 10))}`);
  return ms;
}

/** The p-th percentile (nearest rank). */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function startKernel(contender: Contender, notebook: string): Promise<KernelClient> {
  const client = await KernelClient.start({ argv: contender.argv, cwd: notebook });
  const child = client.process;
  if (child) {
    live.add(child);
    child.once('exit', () => live.delete(child));
  }
  return client;
}

/**
 * Each milestone in a kernel of its own: `milestone` earlier cells, then the
 * round trips. (In one kernel carrying on from milestone to milestone, tslab
 * stopped answering at cell 182 of 200, every time.) Completion is measured in
 * the kernel of the last milestone.
 */
async function measure(contender: Contender): Promise<Row> {
  const say = (what: string): boolean => process.stderr.write(`${contender.name}: ${what}\n`);
  const row: Row = { name: contender.name, trip: new Map(), problems: [] };
  const notebook = mkdtempSync(join(tmpdir(), 'loom-bench-cells-'));
  let client: KernelClient | undefined;
  try {
    for (const milestone of MILESTONES) {
      await client?.close();
      client = await startKernel(contender, notebook);
      say(`running ${milestone} cells in a new kernel`);
      let setupMs = 0;
      for (let cell = 1; cell <= milestone; cell++) setupMs += await timeCell(client, earlierCell(cell));
      row.setup = setupMs / 1000;
      say(`${TRIPS} round trips after ${milestone} cells`);
      // A new text each time, as a user's next cell is: nothing can be answered from a cache.
      const trivial = (i: number): string => `v${milestone} * ${i}`;
      for (let i = 0; i < WARMUP; i++) await timeCell(client, trivial(i));
      const ms: number[] = [];
      for (let i = 0; i < TRIPS; i++) ms.push(await timeCell(client, trivial(WARMUP + i)));
      row.trip.set(milestone, percentile(ms, 50));
    }
    say(`${COMPLETIONS} completions`);
    const last = MILESTONES.at(-1)!;
    const requests: [string, string][] = [
      [`make${last}(1).va`, 'value'],
      ['Math.fl', 'floor'],
      [`const s: Shape${last} = make${last}(2);\ns.prev`, 'previous'],
      [`make${last - 1}`, `make${last - 1}`],
    ];
    for (let i = 0; i < 5; i++) await timeCompletion(client!, ...requests[i % requests.length]!);
    const ms: number[] = [];
    for (let i = 0; i < COMPLETIONS; i++) ms.push(await timeCompletion(client!, ...requests[i % requests.length]!));
    [row.completionP50, row.completionP95] = [percentile(ms, 50), percentile(ms, 95)];
  } catch (error) {
    row.problems.push((error as Error).message);
  } finally {
    await client?.close();
    rmSync(notebook, { recursive: true, force: true });
  }
  return row;
}

function printTable(rows: Row[]): void {
  const fixed = (value: number | undefined, digits = 1): string => (value === undefined ? '-' : value.toFixed(digits));
  const header = ['kernel', ...MILESTONES.map((m) => `cell after ${m} ms (p50 of ${TRIPS})`), `${MILESTONES.at(-1)} cells run s`, `completion p50 ms (n=${COMPLETIONS})`, 'completion p95 ms'];
  const cells = rows.map((r) => [r.name, ...MILESTONES.map((m) => fixed(r.trip.get(m))), fixed(r.setup, 2), fixed(r.completionP50), fixed(r.completionP95)]);
  const loom = rows.find((r) => r.name === 'Loom');
  for (const other of rows.filter((r) => r !== loom)) {
    const ratio = (a: number | undefined, b: number | undefined): string => (a !== undefined && b !== undefined && b > 0 ? `${(a / b).toPrecision(2)}x` : 'n/a');
    cells.push([
      `Loom / ${other.name}`,
      ...MILESTONES.map((m) => ratio(loom?.trip.get(m), other.trip.get(m))),
      ratio(loom?.setup, other.setup),
      ratio(loom?.completionP50, other.completionP50),
      ratio(loom?.completionP95, other.completionP95),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  for (const line of [header, widths.map((w) => '-'.repeat(w)), ...cells]) {
    console.log(line.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | '));
  }
}

function printGoals(rows: Row[]): void {
  const loom = rows.find((r) => r.name === 'Loom');
  const tslab = rows.find((r) => r.name === 'tslab');
  const last = MILESTONES.at(-1)!;
  const after = loom?.trip.get(last);
  const theirs = tslab?.trip.get(last);
  if (after !== undefined && theirs !== undefined) {
    const ratio = after / theirs;
    console.log(`goal: a cell after ${last} cells under 1/4 of tslab's time: ${ratio.toFixed(3)}x, ${ratio < 0.25 ? 'met' : 'NOT met'}`);
  } else {
    console.log(`goal: a cell after ${last} cells under 1/4 of tslab's time: not measured (no tslab row)`);
  }
  if (loom?.completionP95 !== undefined) {
    console.log(`goal: completion p95 under 100 ms: ${loom.completionP95.toFixed(1)} ms, ${loom.completionP95 < 100 ? 'met' : 'NOT met'}`);
  }
}

async function main(): Promise<void> {
  const { present, notes } = contenders();
  const rows: Row[] = [];
  for (const contender of present) rows.push(await measure(contender));
  console.log(`\nCell benchmark on Node ${process.version}, ${new Date().toISOString()}: a trivial type-checked cell after N cells, and completion after ${MILESTONES.at(-1)}\n`);
  printTable(rows);
  console.log('');
  printGoals(rows);
  for (const row of rows) for (const problem of row.problems) console.log(`${row.name}: ${problem}`);
  for (const note of notes) console.log(`note: ${note}`);
  if (rows.some((r) => r.problems.length > 0)) process.exitCode = 1;
}

// Kernels ignore SIGINT (it interrupts their cell), so Ctrl+C must end them here.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of live) child.kill('SIGKILL');
    process.exit(130);
  });
}

void main();
