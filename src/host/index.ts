/**
 * `loom/host`: the door for a host that runs other people's code on loom (the
 * loom kernel is one). Everything a host needs from the library's inside
 * comes through here, and nothing else: the kernel imports loom only through
 * this module and the public ones (`loom`, `loom/<module>`).
 *
 * - Hooks, one object per concern, each mutable and set once at start-up (or
 *   in a preload): shipping code, threads, processes, a hub's child I/O,
 *   where output goes, progress of maps.
 * - Work by output tag: `interruptWork(tag)` stops what was started under one.
 * - Blocking both ways (`runSync`, `runAsync`), for a host's own waits written
 *   once as a generator, as loom's primitives are.
 * - Inside a child process: `inputFromParent`, input() through the hub, and
 *   `displayFromChild`, a host's rich output through the hub.
 * - Showing things: `escapeHtml` and `JUPYTER_DISPLAY`, the symbol of a rich
 *   display method (from loom/display's light half: no charts load).
 * - Processes a host starts to run code: the fd table they share with loom's
 *   own children (each number means one thing in both), the lifeline
 *   watchdog that ends one when its parent dies, and `writeAll`.
 *
 * Plain scripts need none of it: the defaults are what a script wants.
 *
 * Light to load, on purpose: the kernel's thread preloads import it into
 * every thread a cell starts. What would pull in the hub's machinery
 * (`inputFromParent`) is required on first call.
 *
 * Not here: what users call too (liveWorkerCount, whenWorkersExited,
 * liveChildPids: checks that work left nothing behind) is in `loom`.
 *
 * @module
 */
import { lazy } from '../internal/lazy.js';
import type { RevivedLines } from '../internal/ship/revived.js';

export { shipHooks, type ShipHooks, type Declaration, type SourceOrigin } from '../internal/host/shipping.js';
export { threadHooks, type ThreadHooks } from '../internal/host/threads.js';
export { processHooks, type ProcessHooks } from '../internal/host/processes.js';
export { childIoHooks, type ChildIoHooks } from '../internal/host/child-io.js';
export { outputHooks, type OutputHooks } from '../internal/host/output.js';
export { progressHooks, type ProgressHooks, type ProgressStart, type ProgressReporter } from '../internal/host/progress.js';
export { interruptWork } from '../internal/interrupt-work.js';
export { runSync, runAsync, type Waiting, type WaitStep } from '../internal/wait.js';
export { writeAll } from '../internal/write-all.js';
export { CONTROL_FD, LIFELINE_FD, FRAMES_FD, INPUT_FD } from '../internal/fd-table.js';
export { startLifelineWatchdog } from '../internal/lifeline.js';
export { escapeHtml, JUPYTER_DISPLAY } from '../display/html.js';
export { isLoomFrame, showsFullTraceback } from '../internal/loom-files.js';
export type { RevivedLines };

/** input() in the main thread of a loom child process a cell started: asks through the hub (entry/child-input.ts). */
export function inputFromParent(prompt: string, password: boolean): string {
  return childInput().inputFromParent(prompt, password);
}

const childInput = lazy<typeof import('../entry/child-input.js')>(() => require('../entry/child-input.js'));

/**
 * Rich output from a loom child process (or one of its threads) whose work a
 * host tagged: `data` (the host's own text) goes to the hub, in order with
 * console output, and on to `childIoHooks.childDisplay` there. `tag` defaults
 * to the work running now. Throws when no host tagged this process's work.
 */
export function displayFromChild(data: string, tag?: string): void {
  childDisplay().displayFromChild(data, tag);
}

const childDisplay = lazy<typeof import('../entry/child-display.js')>(() => require('../entry/child-display.js'));

/**
 * For a debugger in a thread (through the inspector): the cell lines of code
 * shipped there under `name` (`loom-ship-7`). Loaded at the call: a thread
 * that revived code has the module already, and the door stays light.
 */
export function revivedLines(name: string): RevivedLines | undefined {
  return revived().revivedLines(name);
}

const revived = lazy<typeof import('../internal/ship/revived.js')>(() => require('../internal/ship/revived.js'));
