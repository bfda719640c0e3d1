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
 * - Inside a child process: `inputFromParent`, input() through the hub.
 * - Descriptors: `writeAll`, and the fd table every process loom starts shares.
 *
 * Plain scripts need none of it: the defaults are what a script wants.
 *
 * @module
 */
export { shipHooks, type ShipHooks, type Declaration } from '../internal/host/shipping.js';
export { threadHooks, type ThreadHooks } from '../internal/host/threads.js';
export { processHooks, type ProcessHooks } from '../internal/host/processes.js';
export { childIoHooks, type ChildIoHooks } from '../internal/host/child-io.js';
export { outputHooks, type OutputHooks } from '../internal/host/output.js';
export { progressHooks, type ProgressHooks, type ProgressStart, type ProgressReporter } from '../internal/host/progress.js';
export { interruptWork } from '../internal/interrupt-work.js';
export { runSync, runAsync, type Waiting, type WaitStep } from '../internal/wait.js';
export { inputFromParent } from '../internal/entry/child-input.js';
export { writeAll } from '../internal/write-all.js';
export { liveWorkerCount, whenWorkersExited } from '../internal/workers.js';
export { liveChildPids } from '../internal/hub/client.js';
