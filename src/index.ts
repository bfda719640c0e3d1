/**
 * `loom`: Python's concurrency modules for TypeScript. Import a module
 * (`loom/threading`, `loom/queue`) or everything from here.
 *
 * @module
 */
export * from './threading/index.js';
export * from './queue/index.js';
export * from './errors.js';
export { hooks, type LoomHooks } from './internal/hooks.js';
export { liveWorkerCount, whenWorkersExited } from './internal/workers.js';
