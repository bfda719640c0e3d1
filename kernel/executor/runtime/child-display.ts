/**
 * `display`, `clearOutput` and progress bars inside a child process a cell
 * started (Process, Pool, ProcessPoolExecutor), in its main thread and in
 * every thread it starts. Imported by child-process.ts, the child's preload;
 * it adds itself to the preloads of the child's threads.
 *
 * Each message travels as JSON through the library (loom/host's
 * displayFromChild: a DISPLAY frame, in order with the child's console
 * output) to the hub of the thread that started the child, which hands it to
 * the executor's output buffer (hub-display.ts), tagged with the cell the
 * child works for now (its Process's cell, or the pool task's). A child no
 * cell tagged has nowhere to show: display() throws, saying so.
 */
import { displayFromChild, outputHooks, progressHooks, threadHooks, type ProgressReporter, type ProgressStart } from '../../../src/host/index.js';
import { makeDisplay } from './display-api.js';
import { ProgressBar } from './progress-bar.js';

/** The display API whose messages go to the cell `tag` names (undefined: the work running now). */
function displayTo(tag: string | undefined): ReturnType<typeof makeDisplay> {
  return makeDisplay((message) => displayFromChild(JSON.stringify(message), tag));
}

function childMapProgress(map: ProgressStart): ProgressReporter {
  const tag = outputHooks.outputTag();
  return tag === undefined ? { update() {}, finish() {} } : new ProgressBar(map, displayTo(tag).display);
}

Object.assign(globalThis, displayTo(undefined));
progressHooks.progress = childMapProgress;
// The child's threads (Threads, pool threads) get the same globals.
if (!threadHooks.threadPreload.includes(__filename)) threadHooks.threadPreload.push(__filename);
