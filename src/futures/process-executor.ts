/** concurrent.futures.ProcessPoolExecutor: an Executor on worker processes. */
import { backendEngine, type PoolBackend } from '../internal/pool/backend.js';
import { fnSpec, type TaskFunction } from '../internal/pool/fn-ref.js';
import { ProcessEngine } from '../internal/pool/process-engine.js';
import { guardSpawn } from '../internal/spawn-guard.js';
import { optionsObject, typeError } from '../internal/validate.js';
import { childIdentity } from '../multiprocessing/current.js';
import { cpuCount, positiveInteger } from '../multiprocessing/options.js';
import { Executor, executorOptions } from './executor.js';

export interface ProcessPoolExecutorOptions {
  /** How many worker processes. @default cpuCount() */
  maxWorkers?: number;
  /** Runs once in each worker process before its first call, as `initializer(...initargs)`. @default undefined */
  initializer?: TaskFunction;
  /** Arguments for `initializer`. @default [] */
  initargs?: unknown[];
  /** A worker exits after this many calls and a fresh one takes its place. @default undefined: never */
  maxTasksPerChild?: number;
  /** Node options for the worker processes. @default this process's (without --inspect) */
  execArgv?: string[];
  /**
   * Where the calls run: a cluster from `loom/distributed` runs them on `loom worker`
   * processes through Redis; `maxWorkers` is then how many calls are out at once.
   * @default undefined: this machine's child processes
   * @default maxWorkers with a backend: the slots of the workers connected now (at least 1)
   */
  backend?: PoolBackend;
}

/**
 * Runs calls in a pool of worker processes, like Python's
 * `concurrent.futures.ProcessPoolExecutor`: `submit`, `map`, `shutdown`,
 * `using`. A worker that dies fails only the call it held, with
 * BrokenWorkerError, and is replaced (Python's pool would be broken for good).
 *
 * @example
 * ```ts
 * await using executor = new ProcessPoolExecutor();
 * for await (const factors of executor.map(prime, numbers)) console.log(factors);
 * ```
 */
export class ProcessPoolExecutor extends Executor {
  /** @param options maxWorkers as a number (Python's `ProcessPoolExecutor(max_workers)`), or options. */
  constructor(options?: number | ProcessPoolExecutorOptions) {
    if (typeof options === 'object' && options !== null && options.backend !== undefined) {
      const { backend, maxWorkers, initializer, maxTasksPerChild, execArgv } = optionsObject<ProcessPoolExecutorOptions>('options', options);
      const size = () => (maxWorkers === undefined || maxWorkers === null ? undefined : positiveInteger('maxWorkers', maxWorkers, 1));
      super(backendEngine(backend, size, { initializer: ['initializer', initializer ?? undefined], maxTasks: ['maxTasksPerChild', maxTasksPerChild ?? undefined], execArgv }));
      return;
    }
    const { size, initializer, initargs, maxTasksPerChild, execArgv } = executorOptions<ProcessPoolExecutorOptions>(options, cpuCount());
    if (initargs !== undefined && !Array.isArray(initargs)) throw typeError('initargs', 'an array of arguments', initargs);
    if (execArgv !== undefined && (!Array.isArray(execArgv) || execArgv.some((a) => typeof a !== 'string'))) throw typeError('execArgv', 'an array of strings', execArgv);
    const maxTasks = maxTasksPerChild === undefined || maxTasksPerChild === null ? 0 : positiveInteger('maxTasksPerChild', maxTasksPerChild, 0);
    const init = initializer === undefined || initializer === null ? undefined : fnSpec(initializer, 'initializer', 'process');
    guardSpawn('a ProcessPoolExecutor', true);
    super(new ProcessEngine({ size, initializer: init, initargs: initargs ?? [], maxTasks, execArgv: execArgv ?? [], identity: childIdentity() }));
  }
}
