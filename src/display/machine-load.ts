/**
 * `machineLoad()`: was something else using the processors? A timing is only
 * as good as the machine was quiet, and the load average cannot tell: it
 * counts the notebook's own work of the last minute too. This looks at the
 * processors while the notebook itself sits idle for a moment instead.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { optionsObject, typeError, valueError } from '../internal/validate.js';

export interface MachineLoadOptions {
  /** How long to watch the processors, in milliseconds. @default 300 */
  sampleMs?: number;
}

/** Other work counts as busy from half a core on: enough to skew a parallel timing visibly. */
const BUSY_CORES = 0.5;

export class Load {
  constructor(
    /** The processors this process may use (cpuCount()). */
    readonly cores: number,
    /** Cores' worth of processor time that other work used while this process was idle. */
    readonly otherCores: number,
    /** The 1-minute load average (includes this notebook's own recent work). */
    readonly loadAverage: number,
  ) {}

  /** True when other work used half a core or more. */
  get busy(): boolean {
    return this.otherCores >= BUSY_CORES;
  }

  /** `2 cores, other work used 1.8 of them` */
  toString(): string {
    return `${this.cores} core${this.cores === 1 ? '' : 's'}, other work used ${this.otherCores.toFixed(1)} of them`;
  }

  [inspect.custom](): string {
    return `Load <${this.toString()}>`;
  }
}

function processorTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

/**
 * Watches every processor for `sampleMs` while this process waits, and says
 * how much of them other work used (this process's own use is left out).
 *
 * @example
 * const load = await machineLoad();
 * if (load.busy) console.log(`the machine was busy (${load}): read these timings with care`);
 */
export async function machineLoad(options?: MachineLoadOptions): Promise<Load> {
  const { sampleMs: given } = optionsObject<MachineLoadOptions>('options', options);
  const sampleMs = given ?? 300;
  if (typeof sampleMs !== 'number' || !Number.isFinite(sampleMs)) throw typeError('sampleMs', 'a number of milliseconds', sampleMs);
  if (sampleMs < 50) throw valueError('sampleMs', 'at least 50 milliseconds (the processor counters tick every 10 ms)', sampleMs);
  const before = processorTimes();
  const ownBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await sleep(sampleMs);
  const own = process.cpuUsage(ownBefore);
  const wall = performance.now() - wallBefore;
  const after = processorTimes();
  const machineCores = cpus().length;
  // os.cpus() times are in ms; the share of all processors that was busy, in cores.
  const total = after.total - before.total;
  const busyCores = total > 0 ? ((after.busy - before.busy) / total) * machineCores : 0;
  const ownCores = (own.user + own.system) / 1000 / wall;
  const otherCores = Math.min(availableParallelism(), Math.max(0, busyCores - ownCores));
  return new Load(availableParallelism(), otherCores, loadavg()[0]!);
}
