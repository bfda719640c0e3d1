/**
 * `timeRuns(work)`: a timing repeated, as a median and a range. One run on a
 * shared machine says little; the spread of a few says how far to trust it.
 */
import { inspect } from 'node:util';
import { nonNegativeInteger, optionalBoolean, optionsObject, typeError, valueError } from '../internal/validate.js';

export interface TimeRunsOptions {
  /** How many timed runs. @default 3 */
  runs?: number;
  /** Run once, untimed, first (to load code and let the JIT compile it). @default false */
  warmup?: boolean;
}

/** Seconds a piece of work took, over several runs. */
export class Timing {
  /** Each run's seconds, in the order they ran. */
  readonly runs: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;

  constructor(runs: readonly number[]) {
    if (runs.length === 0) throw valueError('runs', 'at least one run', runs);
    this.runs = Object.freeze([...runs]);
    const sorted = [...runs].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    this.median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    this.min = sorted[0]!;
    this.max = sorted[sorted.length - 1]!;
  }

  /** (max - min) / median: 0.1 means the runs were within 10% of each other. */
  get spread(): number {
    return this.median === 0 ? 0 : (this.max - this.min) / this.median;
  }

  /** `1.23 s (1.10-1.40, 3 runs)` */
  toString(): string {
    const digits = this.max < 0.1 ? 3 : 2;
    return `${this.median.toFixed(digits)} s (${this.min.toFixed(digits)}-${this.max.toFixed(digits)}, ${this.runs.length} run${this.runs.length === 1 ? '' : 's'})`;
  }

  [inspect.custom](): string {
    return `Timing <${this.toString()}>`;
  }
}

/**
 * Runs `work` several times, one after the other (awaiting it when it returns
 * a Promise), and gives the seconds each took.
 *
 * @example
 * const t = await timeRuns(() => pool.map(prime, numbers));
 * console.log(`Pool.map: ${t}`);   // Pool.map: 0.41 s (0.39-0.47, 3 runs)
 */
export async function timeRuns(work: () => unknown, options?: TimeRunsOptions): Promise<Timing> {
  if (typeof work !== 'function') throw typeError('work', 'a function to time', work);
  const { runs: count, warmup } = optionsObject<TimeRunsOptions>('options', options);
  const runs = nonNegativeInteger('runs', count, 3);
  if (runs < 1) throw valueError('runs', 'at least 1', runs);
  if (optionalBoolean('warmup', warmup, false)) await work();
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    seconds.push((performance.now() - start) / 1000);
  }
  return new Timing(seconds);
}
