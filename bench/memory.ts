/**
 * Memory per open notebook (issue 20): Loom side by side with ipykernel, in
 * one run, every kernel started and driven through Debian's jupyter_client
 * (lib/jupyter-driver.ts) and measured from /proc with all its processes
 * (lib/proc-memory.ts). `npm run bench:memory`.
 *
 * - idle: after one `1+1` cell and 3 s idle, rounds alternating the order;
 * - notebook: after notebooks/13.4-pools.ipynb (Loom) and its Python
 *   counterpart bench/python/13.4-pools-python.ipynb (ipykernel), both closing
 *   their pools, and 3 s idle;
 * - ten: ten kernels of each open at once, then an eleventh: what it adds.
 *
 * Loom's type checker is one process per user, shared by all of its kernels
 * (kernel/checker/shared-server.ts), not a descendant of any: it is counted
 * with every Loom kernel here, once. In idle and notebook it leaves with its
 * kernel (LOOM_CHECKER_IDLE_MS=0), so each round measures one notebook alone,
 * the checker included; in ten it serves the ten kernels and the eleventh.
 *
 * Options: `--only idle,notebook,ten`, `--rounds N` (idle rounds, default 3),
 * `--loom-env 'NAME=VALUE;NAME2=VALUE2'` (repeatable: one more contender, Loom
 * with that environment, to try a setting against the default in the same run).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MALLOC_TUNING } from '../kernel/malloc-tuning.js';
import { driverMissing, JupyterDriver, type KernelCommand } from './lib/jupyter-driver.js';
import { processMemory, sharedCheckerPids, treeCpuSeconds, treeMemory, type TreeMemory } from './lib/proc-memory.js';

const ROOT = join(__dirname, '..', '..');
const IDLE_MS = 3000;
const GOAL_IDLE = 1.5;
const GOAL_NOTEBOOK = 2;
const KERNELS_AT_ONCE = 10;

interface Contender extends KernelCommand {
  name: string;
  /** The processes a kernel of this kind uses that belong to none (Loom's shared checker). */
  shared?: () => number[];
  /** The notebook of the `notebook` section, from ROOT. */
  notebook: string;
}

interface Options {
  sections: Set<string>;
  rounds: number;
  loomEnvs: Record<string, string>[];
}

function parseOptions(args: string[]): Options {
  const options: Options = { sections: new Set(['idle', 'notebook', 'ten']), rounds: 3, loomEnvs: [] };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--only') options.sections = new Set(value.split(','));
    else if (flag === '--rounds') options.rounds = Math.max(1, Number.parseInt(value, 10) || 1);
    else if (flag === '--loom-env' && value.includes('=')) options.loomEnvs.push(Object.fromEntries(value.split(';').map((pair) => pair.split(/=(.*)/s).slice(0, 2))));
    else throw new Error(`unknown option ${flag} ${value} (see bench/memory.ts)`);
  }
  return options;
}

function contenders(loomEnvs: Record<string, string>[]): Contender[] {
  // As Jupyter starts Loom: its kernelspec's argv and env (kernel/install/kernelspec.ts).
  const loom = {
    argv: [process.execPath, join(ROOT, 'dist', 'kernel', 'cli', 'main.js'), 'kernel', '{connection_file}'],
    cwd: join(ROOT, 'notebooks'),
    notebook: 'notebooks/13.4-pools.ipynb',
    shared: sharedCheckerPids,
  };
  const alone = { LOOM_CHECKER_IDLE_MS: '0' };
  return [
    { name: 'Loom', ...loom, env: { ...MALLOC_TUNING, ...alone } },
    ...loomEnvs.map((env) => ({ name: `Loom ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}`, ...loom, env: { ...MALLOC_TUNING, ...alone, ...env } })),
    {
      name: 'ipykernel',
      argv: ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
      cwd: join(ROOT, 'bench', 'python'),
      notebook: 'bench/python/13.4-pools-python.ipynb',
    },
  ];
}

/** Waits (a few seconds at most) for the shared processes a kernel before left behind, so that a kernel is measured alone. */
async function untilAlone(contender: Contender): Promise<void> {
  for (let i = 0; i < 50 && (contender.shared?.().length ?? 0) > 0; i++) await sleep(100);
  const left = contender.shared?.() ?? [];
  if (left.length > 0) process.stderr.write(`warning: a shared checker of another kernel still runs (${left.join(', ')}): it is counted with ${contender.name}\n`);
}

/** The code cells of a notebook, in order. */
function codeCells(file: string): string[] {
  const notebook = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
  return notebook.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
}

const mib = (value: number): string => value.toFixed(0);
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

interface Measured {
  memory: TreeMemory;
  /** Wall seconds of each cell, from execute_request to idle. */
  seconds: number[];
  /** CPU seconds the kernel's processes used from their start to the last cell's idle. */
  cpu: number;
  errors: string[];
}

/** One kernel started, `cells` run, 3 s idle, measured, stopped. */
async function measureOnce(driver: JupyterDriver, contender: Contender, cells: string[]): Promise<Measured> {
  await untilAlone(contender);
  const { id, pid } = await driver.start(contender);
  try {
    const { seconds, errors } = await driver.run(id, cells);
    const cpu = treeCpuSeconds(pid, contender.shared?.());
    await sleep(IDLE_MS);
    return { memory: treeMemory(pid, contender.shared?.()), seconds, cpu, errors };
  } finally {
    await driver.stop(id);
  }
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const line of [header, widths.map((w) => '-'.repeat(w)), ...rows]) {
    console.log(line.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | '));
  }
}

/** Each process of a kernel on a line of its own, then the kernel's sums. */
function memoryRows(label: string, memory: TreeMemory, extra: string): string[][] {
  const rows = memory.processes.map((p) => [`${label}: ${p.name}`, mib(p.rss), mib(p.pss), mib(p.private), mib(p.anon), String(p.threads), '']);
  rows.push([`${label}: all ${memory.processes.length}`, mib(memory.rss), mib(memory.pss), mib(memory.private), '', String(memory.threads), extra]);
  return rows;
}

const MEMORY_HEADER = ['kernel: process', 'RSS MiB', 'PSS MiB', 'private MiB', 'anon MiB', 'threads'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function printRatios(totals: Map<string, TreeMemory[]>, goal: number): void {
  const ipykernel = totals.get('ipykernel');
  if (!ipykernel) return;
  const [rss, pss] = [median(ipykernel.map((m) => m.rss)), median(ipykernel.map((m) => m.pss))];
  for (const [name, memories] of totals) {
    if (name === 'ipykernel') continue;
    const rssRatio = median(memories.map((m) => m.rss)) / rss;
    const pssRatio = median(memories.map((m) => m.pss)) / pss;
    console.log(`${name} / ipykernel (medians): RSS ${rssRatio.toFixed(2)}x, PSS ${pssRatio.toFixed(2)}x; goal at most ${goal}x of RSS: ${rssRatio <= goal ? 'met' : 'not met'}`);
  }
}

/** Idle after one `1+1`: rounds, each contender once per round, the order reversed every other round. */
async function idleSection(driver: JupyterDriver, all: Contender[], rounds: number): Promise<void> {
  const totals = new Map<string, TreeMemory[]>(all.map((c) => [c.name, []]));
  const cpus = new Map<string, number[]>(all.map((c) => [c.name, []]));
  const rows: string[][] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? all : [...all].reverse();
    for (const contender of order) {
      process.stderr.write(`idle, round ${round}: ${contender.name}...\n`);
      const { memory, seconds, cpu, errors } = await measureOnce(driver, contender, ['1+1']);
      totals.get(contender.name)!.push(memory);
      cpus.get(contender.name)!.push(cpu);
      rows.push(...memoryRows(`${contender.name} #${round}`, memory, `${seconds[0]!.toFixed(2)} s, ${cpu.toFixed(2)} s${errors.length ? ` ${errors.join('; ')}` : ''}`));
    }
  }
  console.log(`\n## Idle after one \`1+1\` cell and ${IDLE_MS / 1000} s (${rounds} rounds; load average now ${load()})\n`);
  printTable([...MEMORY_HEADER, 'first 1+1: wall (execute to idle), CPU (start to idle)'], rows);
  console.log('');
  printRatios(totals, GOAL_IDLE);
  console.log(`CPU from start to the first result, medians: ${[...cpus].map(([name, values]) => `${name} ${median(values).toFixed(2)} s`).join(', ')}`);
}

/** After a whole notebook that starts and closes pools, one run each. */
async function notebookSection(driver: JupyterDriver, all: Contender[]): Promise<void> {
  const totals = new Map<string, TreeMemory[]>();
  const rows: string[][] = [];
  for (const contender of all) {
    const cells = codeCells(contender.notebook);
    process.stderr.write(`notebook: ${contender.name} runs ${contender.notebook} (${cells.length} cells)...\n`);
    const { memory, seconds, cpu, errors } = await measureOnce(driver, contender, cells);
    totals.set(contender.name, [memory]);
    const total = seconds.reduce((a, b) => a + b, 0);
    rows.push(...memoryRows(contender.name, memory, `${total.toFixed(1)} s, CPU ${cpu.toFixed(1)} s${errors.length ? `, ${errors.length} failed: ${errors.join('; ')}` : ''}`));
  }
  console.log(`\n## After its 13.4 notebook (pools closed) and ${IDLE_MS / 1000} s idle (load average now ${load()})\n`);
  printTable([...MEMORY_HEADER, 'notebook run: wall, CPU; cells that failed'], rows);
  console.log('');
  printRatios(totals, GOAL_NOTEBOOK);
}

/** Ten kernels at once, each after `1+1`, then an eleventh: its own figures and what the sums grew by. */
async function tenSection(driver: JupyterDriver, contender: Contender): Promise<string[]> {
  process.stderr.write(`ten: ${KERNELS_AT_ONCE} + 1 ${contender.name} kernels...\n`);
  await untilAlone(contender);
  const kernels: { id: number; pid: number }[] = [];
  const shared = (): number[] => contender.shared?.() ?? [];
  const sharedRss = (): number => shared().reduce((total, pid) => total + (processMemory(pid)?.rss ?? 0), 0);
  const sums = (): { rss: number; pss: number; private: number } => {
    // The shared processes counted once, with the first kernel.
    const trees = kernels.map((k, i) => treeMemory(k.pid, i === 0 ? shared() : []));
    return { rss: trees.reduce((a, t) => a + t.rss, 0), pss: trees.reduce((a, t) => a + t.pss, 0), private: trees.reduce((a, t) => a + t.private, 0) };
  };
  try {
    const startOne = async (): Promise<void> => {
      const kernel = await driver.start(contender);
      kernels.push(kernel);
      await driver.run(kernel.id, ['1+1']);
    };
    for (let i = 0; i < KERNELS_AT_ONCE; i++) await startOne();
    await sleep(IDLE_MS);
    const ten = sums();
    const sharedTen = sharedRss();
    await startOne();
    await sleep(IDLE_MS);
    const eleven = sums();
    const last = treeMemory(kernels.at(-1)!.pid);
    const sharedGrowth = shared().length > 0 ? `${mib(sharedTen)} -> ${mib(sharedRss())}` : '-';
    return [
      contender.name, mib(ten.rss), mib(ten.pss), mib(ten.private), mib(ten.pss / KERNELS_AT_ONCE),
      mib(last.rss), mib(last.pss), mib(last.private), mib(last.rss - last.private), mib(eleven.rss), sharedGrowth,
    ];
  } finally {
    for (const kernel of kernels) await driver.stop(kernel.id);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const missing = driverMissing();
  if (missing) {
    console.log(`bench:memory skipped: ${missing}`);
    return;
  }
  const all = contenders(options.loomEnvs);
  const driver = new JupyterDriver(ROOT);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      driver.kill();
      process.exit(130);
    });
  }
  console.log(`# Memory per open notebook, Node ${process.version}, ${new Date().toISOString()}, load average ${load()}`);
  console.log('(MiB; every process of each kernel; PSS shares each shared page among the processes that map it; private: what ending the process frees)');
  try {
    if (options.sections.has('idle')) await idleSection(driver, all, options.rounds);
    if (options.sections.has('notebook')) await notebookSection(driver, all);
    if (options.sections.has('ten')) {
      const rows: string[][] = [];
      // Loom as users run it: its kernels share one checker, which stays a minute after the last.
      const loomShared = { ...all[0]!, env: { ...all[0]!.env, LOOM_CHECKER_IDLE_MS: '60000' } };
      for (const contender of [loomShared, all.at(-1)!]) rows.push(await tenSection(driver, contender));
      console.log(`\n## ${KERNELS_AT_ONCE} kernels open at once, each after \`1+1\`, then an eleventh (load average now ${load()})\n`);
      printTable(['kernel', '10: RSS sum', '10: PSS sum', '10: private sum', 'PSS per kernel', '11th: RSS', '11th: PSS', '11th: private', '11th: shared (RSS - private)', '11: RSS sum', 'shared checker RSS: 10 -> 11'], rows);
      console.log('\nAn RSS sum counts every shared page once per process that maps it; the PSS sum is what the kernels use together.');
      console.log('The eleventh costs the machine its private memory (what shutting it frees) plus its share of the pages it shares (its PSS).');
      console.log('The others go on collecting garbage meanwhile, so the difference of two sums is not its cost.');
    }
  } finally {
    driver.close();
  }
  console.log(`\nload average at the end: ${load()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
