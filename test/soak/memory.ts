/**
 * Resident memory of the soak's processes, from /proc/<pid>/status (VmRSS).
 * The baseline is the median of the samples taken just after the warm-up, the
 * end figure the median of the last samples: medians, because a cell that
 * starts threads or a pool lifts RSS for a moment and that is not growth.
 * The soak samples after collecting the executor's garbage (see cells.ts).
 */
import { readFileSync } from 'node:fs';

/** Resident set size in MiB, or NaN if the process is gone. */
export function rssMiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** How many samples make the baseline and the end figure. */
const WINDOW = 8;

export class MemoryWatch {
  readonly #samples = new Map<string, number[]>();
  #warmFrom = -1;
  #count = 0;

  constructor(private readonly pids: Record<string, number>) {
    for (const name of Object.keys(pids)) this.#samples.set(name, []);
  }

  sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) this.#samples.get(name)!.push(rssMiB(pid));
    this.#count++;
  }

  /** The warm-up is over: later samples are compared. */
  markWarm(): void {
    this.#warmFrom = this.#count;
  }

  now(): string {
    return Object.entries(this.pids).map(([name, pid]) => `${name} ${rssMiB(pid).toFixed(0)} MiB`).join(', ');
  }

  /** One line per process (start, after warm-up, peak, end, growth) and whether each grew less than `limit`. */
  report(limit: number): { ok: boolean; lines: string[] } {
    let ok = true;
    const lines: string[] = [];
    for (const [name, all] of this.#samples) {
      const warm = all.slice(Math.max(0, this.#warmFrom));
      if (warm.length < 2 * WINDOW) {
        lines.push(`${name}: too few samples after the warm-up (${warm.length}) to judge growth`);
        ok = false;
        continue;
      }
      const baseline = median(warm.slice(0, WINDOW));
      const end = median(warm.slice(-WINDOW));
      const growth = (end - baseline) / baseline;
      const passed = growth <= limit;
      ok &&= passed;
      lines.push(`${name} RSS: start ${all[0]!.toFixed(0)} MiB, after warm-up ${baseline.toFixed(0)} MiB, peak ${Math.max(...all).toFixed(0)} MiB, end ${end.toFixed(0)} MiB: ${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}% (limit +${limit * 100}%) ${passed ? 'ok' : 'TOO MUCH'}`);
    }
    return { ok, lines };
  }
}
