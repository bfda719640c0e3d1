/**
 * Tasks for the cluster tests, self-contained (they travel by source to
 * local children and to `loom worker` processes alike). They talk to the
 * test through files, the one side channel both kinds of workers share:
 * a task says it started by writing a file, and waits for a gate file.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './workers.js';

/** Writes `{dir}/{name}-{pid}-{random}` (a run), then waits until `{dir}/open` exists; returns `name`. */
export const gated = (dir: string, name: string): string => {
  const fs = require('node:fs');
  fs.writeFileSync(`${dir}/${name}-${process.pid}-${Math.random().toString(36).slice(2)}`, '');
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (!fs.existsSync(`${dir}/open`)) Atomics.wait(nap, 0, 0, 10);
  return name;
};

/** Records a run of `name` in `dir` (a file per run), then returns `value`. */
export const counted = (dir: string, name: string, value: number): number => {
  require('node:fs').writeFileSync(`${dir}/${name}-${process.pid}-${Math.random().toString(36).slice(2)}`, '');
  return value;
};

/** Burns `ms` of CPU (no sleeping: a worker thread holding its event loop), records the run, returns `value`. */
export const burn = (dir: string, name: string, ms: number, value: number): number => {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  require('node:fs').writeFileSync(`${dir}/${name}-${process.pid}-${Math.random().toString(36).slice(2)}`, String(x > 0));
  return value;
};

export class SideChannel {
  readonly dir = mkdtempSync(join(tmpdir(), 'loom-cluster-'));

  open(): void {
    writeFileSync(join(this.dir, 'open'), '');
  }

  /** Runs recorded for `name` (every name when undefined). */
  runs(name?: string): string[] {
    return readdirSync(this.dir).filter((f) => f !== 'open' && (name === undefined || f.startsWith(`${name}-`)));
  }

  /** Waits until `count` runs of names starting with `prefix` have started. */
  async started(count: number, prefix = ''): Promise<void> {
    await until(() => this.runs().filter((f) => f.startsWith(prefix)).length >= count, 30_000, () => `only ${this.runs().length} runs: ${this.runs().join(' ')}`);
  }

  [Symbol.dispose](): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Records a run of task `x` as `{dir}/t{x}-{worker pid}-{random}` (the worker:
 * the `loom worker` process whose local pool's child runs this, its parent),
 * waits, when `gate` is not '', until `{dir}/{gate}-{worker pid}` exists (a
 * gate per worker), then records `{dir}/done{x}-{worker pid}-{random}` and
 * returns `[x, worker pid]`: which worker's result was the one taken.
 */
export const byWorker = (dir: string, x: number, gate: string): [number, number] => {
  const fs = require('node:fs');
  const tag = `${process.ppid}-${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(`${dir}/t${x}-${tag}`, '');
  const nap = new Int32Array(new SharedArrayBuffer(4));
  if (gate !== '') while (!fs.existsSync(`${dir}/${gate}-${process.ppid}`)) Atomics.wait(nap, 0, 0, 10);
  fs.writeFileSync(`${dir}/done${x}-${tag}`, '');
  return [x, process.ppid];
};

/** The worker pids of the recorded runs of task `x` (`prefix` 't') or of its finished runs ('done'). */
export function runsOf(side: SideChannel, x: number, prefix: 't' | 'done' = 't'): number[] {
  return side.runs(`${prefix}${x}`).map((file) => Number(file.split('-')[1]));
}
