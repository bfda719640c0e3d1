/** concurrent.futures.ThreadPoolExecutor: an Executor on worker threads (piscina 5 underneath). */
import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { fnSpec, type TaskFunction } from '../internal/pool/fn-ref.js';
import { ThreadEngine } from '../internal/pool/thread-engine.js';
import { guardSpawn } from '../internal/spawn-guard.js';
import { tuneV8ForThreads } from '../internal/v8-tuning.js';
import { typeError } from '../internal/validate.js';
import { Executor, executorOptions } from './executor.js';

export interface ThreadPoolExecutorOptions {
  /** How many worker threads. @default min(32, cpuCount() + 4), Python's */
  maxWorkers?: number;
  /** Names of the worker threads (currentThread().name inside): `${prefix}_N`. @default "ThreadPoolExecutor-N" */
  threadNamePrefix?: string;
  /** Runs once in each worker thread before its first call, as `initializer(...initargs)`. @default undefined */
  initializer?: TaskFunction;
  /** Arguments for `initializer`; shared objects arrive as themselves. @default [] */
  initargs?: unknown[];
  /** Heap limits for each worker thread (Node's Worker resourceLimits). @default Node's */
  resourceLimits?: ResourceLimits;
}

let executors = 0;

/**
 * Runs calls on a pool of worker threads, like Python's
 * `concurrent.futures.ThreadPoolExecutor` (and, unlike Python's, in parallel):
 * `submit(fn, ...args)` returns a Future; `map` gives results in order;
 * `shutdown` or `using` ends it. Functions travel by source (self-contained)
 * or as `{filename, name}`; shared objects in the arguments arrive as themselves.
 *
 * @example
 * ```ts
 * using executor = new ThreadPoolExecutor({ maxWorkers: 10 });
 * const future = executor.submit(findFiles, basedir, '.py');
 * console.log(await future);
 * ```
 */
export class ThreadPoolExecutor extends Executor {
  /** @param options maxWorkers as a number (Python's `ThreadPoolExecutor(max_workers)`), or options. */
  constructor(options?: number | ThreadPoolExecutorOptions) {
    const { size, threadNamePrefix, initializer, initargs, resourceLimits } = executorOptions<ThreadPoolExecutorOptions>(options, Math.min(32, availableParallelism() + 4));
    if (threadNamePrefix !== undefined && typeof threadNamePrefix !== 'string') throw typeError('threadNamePrefix', 'a string', threadNamePrefix);
    if (initargs !== undefined && !Array.isArray(initargs)) throw typeError('initargs', 'an array of arguments', initargs);
    const init = initializer === undefined || initializer === null ? undefined : fnSpec(initializer, 'initializer', 'thread');
    guardSpawn('a ThreadPoolExecutor', false);
    tuneV8ForThreads();
    const name = threadNamePrefix || `ThreadPoolExecutor-${executors++}`;
    super(new ThreadEngine({ size, name, initializer: init, initargs: initargs ?? [], resourceLimits }));
  }
}
