/**
 * How many jobs a `loom worker` holds at once: one per process of its local
 * pool, and for short tasks a few more waiting there, as a local pool's hub
 * sends short tasks ahead to its children (internal/hub/hub.ts aheadFor).
 *
 * Why: a worker that takes a job only when a process is free runs each task
 * and then its Redis round trip (complete, fetch the next) one after the
 * other, one command per syscall; a worker holding a few jobs overlaps them
 * and batches its commands, as bare BullMQ's async jobs do. Why not always:
 * a job a worker holds counts as running (its lease is renewed, and it can no
 * longer be cancelled or left for an idle worker), so long tasks are taken one
 * per process, like a local pool's.
 *
 * The task time is measured as the hub does (a moving average from 10 ms, so
 * the first tasks of a burst are taken one per process), and forgotten when
 * the queue runs dry: the next burst, maybe another pool's, starts over as a
 * fresh local pool would (a cancel right after a submit finds its call queued,
 * as it does locally).
 */

/** The first guess of a task's time (ms), as the hub's: high, so a new burst spreads before it runs ahead. */
const START_MS = 10;

/** Jobs held per process for tasks of `taskMs`: the hub's own thresholds. */
export function aheadFor(taskMs: number): number {
  if (taskMs < 0.2) return 16;
  if (taskMs < 2) return 4;
  if (taskMs < 10) return 2;
  return 1;
}

export class Intake {
  readonly #processes: number;
  readonly #apply: (jobs: number) => void;
  #taskMs = START_MS;
  #held = 0;
  /** When each job that has a process (as far as this can tell: first come, first served) started there. */
  readonly #since = new Map<string, number>();
  /** Jobs held that wait for a process, in order. */
  readonly #waiting: string[] = [];

  /** `apply(jobs)` sets how many jobs the worker takes at once (BullMQ's concurrency). */
  constructor(processes: number, apply: (jobs: number) => void) {
    this.#processes = processes;
    this.#apply = apply;
    this.#update();
  }

  /** How many jobs the worker takes at once now. */
  get jobs(): number {
    return this.#held;
  }

  /** Job `id` went to the local pool. */
  started(id: string): void {
    if (this.#since.size < this.#processes) this.#since.set(id, performance.now());
    else this.#waiting.push(id);
  }

  /** Job `id` came back from the local pool: its time counts, and the next waiting one has its process. */
  finished(id: string): void {
    const since = this.#since.get(id);
    if (since === undefined) {
      const at = this.#waiting.indexOf(id);
      if (at >= 0) this.#waiting.splice(at, 1);
      return;
    }
    this.#since.delete(id);
    const now = performance.now();
    this.#taskMs = this.#taskMs * 0.8 + (now - since) * 0.2;
    if (this.#waiting.length > 0) this.#since.set(this.#waiting.shift()!, now);
    this.#update();
  }

  /** The queue ran dry: the next burst starts from the first guess. */
  drained(): void {
    this.#taskMs = START_MS;
    this.#update();
  }

  #update(): void {
    const held = this.#processes * aheadFor(this.#taskMs);
    if (held === this.#held) return;
    this.#held = held;
    this.#apply(held);
  }
}
