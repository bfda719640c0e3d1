/**
 * `display`, `clearOutput` and progress bars inside the executor's other
 * threads: a Thread a cell started, a ThreadPool or ThreadPoolExecutor task,
 * and the threads those start. Imported by thread-output.ts, the preload of
 * every thread loom starts in the executor.
 *
 * Their messages go to the cell the thread works for now (the output tag
 * thread-output.ts keeps: the cell that started the thread, or submitted the
 * pool task),
 * into the shared output buffer, so they land in order with the thread's
 * console output, also while the cell's own code busy-loops and after it has
 * ended. A map's bar stays with the cell that was current when it started.
 */
import { outputHooks, progressHooks, type ProgressReporter, type ProgressStart } from '../../../src/host/index.js';
import { makeDisplay, type DisplayMessage } from './display-api.js';
import { ProgressBar } from './progress-bar.js';
import { sendFrameNow, sharedOutput } from './worker-frames.js';

/** The display API whose messages go to the cell `cell()` names when each is sent. */
function displayTo(cell: () => string | undefined): ReturnType<typeof makeDisplay> {
  return makeDisplay((message: DisplayMessage) => {
    const parent = cell();
    if (parent === undefined) throw new Error('display(): this thread works for no notebook cell, so there is nowhere to show it');
    sendFrameNow({ ...message, parent });
  });
}

/** The cell this thread works for now (thread-output.ts answers outputHooks.outputTag; importing it would be a cycle). */
function threadCell(): string | undefined {
  return outputHooks.outputTag();
}

function threadMapProgress(map: ProgressStart): ProgressReporter {
  const cell = threadCell();
  return cell === undefined ? { update() {}, finish() {} } : new ProgressBar(map, displayTo(() => cell).display);
}

if (sharedOutput !== undefined) {
  // Globals, as in the cell: the shipper leaves these names to the worker's globals.
  Object.assign(globalThis, displayTo(threadCell));
  progressHooks.progress = threadMapProgress;
}
