/**
 * The library's side of progress bars: a map tells `progressHooks.progress` (set by
 * the kernel, unset in plain scripts) how many of its items have finished.
 * The pools and executors call trackMapProgress once per map with the chunks
 * they submitted; nothing here knows how progress is shown.
 */
import { emitWarning } from 'node:process';
import { progressHooks, type ProgressReporter } from '../internal/host/progress.js';
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

/**
 * Reports the chunks of one map to the progress hook as they settle; `sizes[i]`
 * is the number of items in `chunks[i]`. The map ends at its first failed
 * chunk (its result rejects then), or when every chunk has settled.
 */
export function trackMapProgress(label: string, engine: Engine, chunks: readonly Completion<unknown[]>[], sizes: readonly number[], wanted: boolean): void {
  const start = progressHooks.progress;
  if (!wanted || start === undefined || chunks.length === 0) return;
  let reporter: ProgressReporter | undefined;
  // A fault in the host's display must not fail the map whose callbacks call it:
  // it becomes a warning and this map's progress ends.
  const tell = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      reporter = undefined;
      emitWarning(`loom: the progress display failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  tell(() => (reporter = start({ label, total: sizes.reduce((a, b) => a + b, 0), workers: engine.size, workerKind: engine.kind })));
  let done = 0;
  let left = chunks.length;
  let stopped = false;
  const finish = (how: 'done' | 'failed' | 'stopped') => {
    const ending = reporter;
    reporter = undefined;
    if (ending) tell(() => ending.finish(how, done));
  };
  chunks.forEach((chunk, i) => chunk.onSettled(() => {
    left--;
    if (chunk.status === 'fulfilled') done += sizes[i];
    if (chunk.status === 'cancelled') stopped = true;
    if (chunk.status === 'rejected') finish('failed');
    else if (left === 0) finish(stopped ? 'stopped' : 'done');
    else if (chunk.status === 'fulfilled' && reporter) tell(() => reporter?.update(done));
  }));
}
