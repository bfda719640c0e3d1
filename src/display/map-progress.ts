/**
 * The library's side of progress bars: a map tells `progressHooks.progress` (set by
 * the kernel, unset in plain scripts) how many of its items have finished.
 * The pools and executors call trackMapProgress once per map with the chunks
 * they submitted; nothing here knows how progress is shown.
 */
import { emitWarning } from 'node:process';
import { progressHooks, type ProgressReporter, type ProgressStart } from '../internal/host/progress.js';
import type { Completion } from '../internal/pool/completion.js';
import type { Engine } from '../internal/pool/engine.js';
import { typeError } from '../internal/validate.js';

/** The `progress` option of a map call: false turns the hook off for that call. */
export interface ProgressOption {
  /**
   * Show this map's progress where the host shows it (a bar in a notebook cell
   * for maps that last over about a second); false: never. Plain scripts show nothing.
   * @default true
   */
  progress?: boolean;
}

/** The `progress` option, checked. */
export function progressWanted(options: unknown): boolean {
  if (options === null || typeof options !== 'object') return true;
  const { progress } = options as ProgressOption;
  if (progress !== undefined && typeof progress !== 'boolean') throw typeError('progress', 'a boolean', progress);
  return progress !== false;
}

/** A map's reporter, with the host's faults turned into a warning (then that map reports no more). */
class Reporting {
  #reporter: ProgressReporter | undefined;

  constructor(start: NonNullable<typeof progressHooks.progress>, map: ProgressStart) {
    this.#tell(() => (this.#reporter = start(map)));
  }

  /** A fault in the host's display must not fail the map whose callbacks call it. */
  #tell(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#reporter = undefined;
      emitWarning(`loom: the progress display failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  update(done: number): void {
    const reporter = this.#reporter;
    if (reporter) this.#tell(() => reporter.update(done));
  }

  finish(how: 'done' | 'failed' | 'stopped', done: number): void {
    const ending = this.#reporter;
    this.#reporter = undefined;
    if (ending) this.#tell(() => ending.finish(how, done));
  }
}

/**
 * Reports the chunks of one map to the progress hook as they settle; `sizes[i]`
 * is the number of items in `chunks[i]`. The map ends at its first failed
 * chunk (its result rejects then), or when every chunk has settled.
 */
export function trackMapProgress(label: string, engine: Engine, chunks: readonly Completion<unknown[]>[], sizes: readonly number[], wanted: boolean): void {
  const progress = trackOpenProgress(label, engine, wanted, sizes.reduce((a, b) => a + b, 0));
  if (chunks.length === 0) return;
  chunks.forEach((chunk, i) => progress.chunk(chunk, sizes[i]));
  progress.end();
}

function startOf(label: string, total: number | undefined, engine: Engine): ProgressStart {
  const start: ProgressStart = { label, total, workers: engine.size, workerKind: engine.kind };
  if (engine.remoteWorkers !== undefined) start.remoteWorkers = engine.remoteWorkers;
  return start;
}

/** The progress of a map that learns its chunks as it goes (an imap reading its iterable lazily). */
export interface OpenProgress {
  /** A chunk of `size` items was sent. */
  chunk(chunk: Completion<unknown[]>, size: number): void;
  /** No chunk will follow: the map finishes once those sent have settled; `stopped`: the caller stopped reading. */
  end(stopped?: boolean): void;
}

const NO_PROGRESS: OpenProgress = { chunk() {}, end() {} };

/**
 * Reports a map whose chunks arrive one by one: `total` items if known, else
 * undefined (the host shows a count without a bar, as tqdm does without a
 * length). The map ends at its first failed chunk, or when it has ended and
 * every chunk has settled.
 */
export function trackOpenProgress(label: string, engine: Engine, wanted: boolean, total?: number): OpenProgress {
  const start = progressHooks.progress;
  if (!wanted || start === undefined) return NO_PROGRESS;
  let reporting: Reporting | undefined;
  let done = 0;
  let pending = 0;
  let ended = false;
  let stopped = false;
  const finishIfOver = () => {
    if (ended && pending === 0) reporting?.finish(stopped ? 'stopped' : 'done', done);
  };
  return {
    chunk(chunk, size) {
      // Started at the first chunk: a map with none reports nothing.
      reporting ??= new Reporting(start, startOf(label, total, engine));
      pending++;
      chunk.onSettled(() => {
        pending--;
        if (chunk.status === 'fulfilled') done += size;
        if (chunk.status === 'cancelled') stopped = true;
        if (chunk.status === 'rejected') return reporting?.finish('failed', done);
        if (ended && pending === 0) return finishIfOver();
        if (chunk.status === 'fulfilled') reporting?.update(done);
      });
    },
    end(stoppedReading = false) {
      ended = true;
      stopped ||= stoppedReading;
      finishIfOver();
    },
  };
}
