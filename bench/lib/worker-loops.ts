/**
 * Issue 18, goal 4, through the kernel: a loop that reads a notebook's
 * constants and calls a notebook's function, timed on the executor's main
 * thread and, shipped by loom, in a Thread, a ThreadPool task, a Pool task
 * and a ProcessPoolExecutor call. Each function times itself where it runs
 * (the start of a worker is not counted: bench:lib measures that), rounds
 * alternate between the places, and each place's median is compared with
 * the main thread's in the same run.
 */
import { loadavg } from 'node:os';
import type { KernelClient, Message } from '../../kernel/client/client.js';

const LOOPS = 300_000_000;
const ROUNDS = 9;

/** Declares the notebook's names and starts one worker of each kind (their start is not measured). */
const SETUP = `
import { ThreadPool, Pool } from 'loom/multiprocessing';
import { ProcessPoolExecutor } from 'loom/futures';
import { Thread } from 'loom/threading';
const LOOPS = ${LOOPS};
const K = 3;
function step(s: number, i: number): number { return (s + i * K) | 0; }
function readsConst(): number { let s = 0; for (let i = 0; i < LOOPS; i++) s = (s + i) | 0; return s; }
function callsFunction(): number { let s = 0; for (let i = 0; i < LOOPS; i++) s = step(s, i); return s; }
function timeConst(): number { const t = performance.now(); readsConst(); return performance.now() - t; }
function timeCall(): number { const t = performance.now(); callsFunction(); return performance.now() - t; }
class Timed extends Thread {
  ms = [0, 0];
  override run(): void { this.ms = [timeConst(), timeCall()]; }
}
const threadPool = new ThreadPool(1);
const pool = new Pool(1);
const executor = new ProcessPoolExecutor(1);
await Promise.all([threadPool.apply(() => 1), pool.apply(() => 1), executor.submit(() => 1).result()]);
`;

/** One round: [readsConst, callsFunction] milliseconds in each place, printed as one JSON line. */
const ROUND = `
{
  const thread = new Timed();
  thread.start();
  await thread.join();
  console.log(JSON.stringify({
    main: [timeConst(), timeCall()],
    Thread: thread.ms,
    'ThreadPool task': [await threadPool.apply(timeConst), await threadPool.apply(timeCall)],
    'Pool task': [await pool.apply(timeConst), await pool.apply(timeCall)],
    'ProcessPoolExecutor call': [await executor.submit(timeConst).result(), await executor.submit(timeCall).result()],
  }));
}
`;

const TEARDOWN = 'threadPool.terminate(); pool.terminate(); executor.shutdown();';

export interface WorkerLoopRow {
  place: string;
  /** Median milliseconds of the loop that reads a constant, and of the one that also calls a function. */
  readsConst: number;
  callsFunction: number;
  /** The fastest round of each: the code's own speed when nothing else took its core. */
  bestConst: number;
  bestCall: number;
}

export interface WorkerLoops {
  rows: WorkerLoopRow[];
  /** The 1-minute load average before and after. */
  load: [number, number];
  rounds: number;
  loops: number;
}

async function run(client: KernelClient, code: string): Promise<string> {
  let out = '';
  const collect = (message: Message): void => {
    if (message.header.msg_type === 'stream') out += String(message.content.text);
  };
  const { reply } = await client.execute(code, { onOutput: collect, timeoutMs: 300_000 });
  if (reply.content.status !== 'ok') throw new Error(`worker loops: ${String(reply.content.ename)}: ${String(reply.content.evalue)}`);
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs the rounds in the kernel `client` talks to; the first round warms up and is left out. */
export async function measureWorkerLoops(client: KernelClient): Promise<WorkerLoops> {
  const before = loadavg()[0]!;
  await run(client, SETUP);
  const rounds: Record<string, [number, number]>[] = [];
  try {
    for (let i = 0; i <= ROUNDS; i++) {
      const line = (await run(client, ROUND)).trim().split('\n').pop()!;
      if (i > 0) rounds.push(JSON.parse(line) as Record<string, [number, number]>);
    }
  } finally {
    await run(client, TEARDOWN);
  }
  const rows = Object.keys(rounds[0]!).map((place) => ({
    place,
    readsConst: median(rounds.map((r) => r[place]![0])),
    callsFunction: median(rounds.map((r) => r[place]![1])),
    bestConst: Math.min(...rounds.map((r) => r[place]![0])),
    bestCall: Math.min(...rounds.map((r) => r[place]![1])),
  }));
  return { rows, load: [before, loadavg()[0]!], rounds: ROUNDS, loops: LOOPS };
}

/**
 * The table: each place's median and its speed as a share of the main
 * thread's (the goal: at least 0.95x), and the same share for the fastest
 * rounds, which other work on the machine disturbs less.
 */
export function printWorkerLoops(result: WorkerLoops): void {
  const main = result.rows.find((r) => r.place === 'main')!;
  console.log(`\nShipped loops (issue 18, goal 4): ${result.loops / 1e6}M steps, ${result.rounds} rounds; ` +
    `speed = main thread's time / this place's time (goal: at least 0.95x), of the medians and of the fastest rounds; ` +
    `load average ${result.load[0].toFixed(2)} before, ${result.load[1].toFixed(2)} after\n`);
  const header = ['where', 'reads a const: median ms', 'speed', 'fastest', 'calls a function: median ms', 'speed', 'fastest'];
  const speed = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  const cells = result.rows.map((r) => [
    r.place === 'main' ? 'main thread' : r.place,
    r.readsConst.toFixed(0), speed(main.readsConst, r.readsConst), speed(main.bestConst, r.bestConst),
    r.callsFunction.toFixed(0), speed(main.callsFunction, r.callsFunction), speed(main.bestCall, r.bestCall),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  for (const line of [header, widths.map((w) => '-'.repeat(w)), ...cells]) {
    console.log(line.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | '));
  }
}
