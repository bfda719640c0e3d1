/**
 * Progress bars for long maps started in the executor's main thread, in the
 * cell that started them: the kernel's `progressHooks.progress` there (the
 * bar itself is progress-bar.ts; threads and child processes set their own).
 */
import type { ProgressReporter, ProgressStart } from '../../../src/host/index.js';
import { currentCell } from './context.js';
import { displayInCell } from './display.js';
import { ProgressBar } from './progress-bar.js';

export { barBundle, REFRESH_MS, SHOW_AFTER_MS, summary } from './progress-bar.js';

/** `progressHooks.progress`: a bar for this map in the cell that started it, or nothing outside a cell. */
export function mapProgress(map: ProgressStart): ProgressReporter {
  const cell = currentCell();
  // Frames carry the cell's parent header even when a report comes from a callback that runs while a later cell does.
  return cell === undefined ? { update() {}, finish() {} } : new ProgressBar(map, displayInCell(cell.parent));
}
