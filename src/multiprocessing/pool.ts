/** multiprocessing.Pool: worker processes that run tasks, Python's pool API. */
import { ProcessEngine } from '../internal/pool/process-engine.js';
import { guardSpawn } from '../internal/spawn-guard.js';
import { typeError } from '../internal/validate.js';
import { childIdentity } from './current.js';
import { poolOptions, positiveInteger, type PoolOptions } from './options.js';
import { PoolBase } from './pool-base.js';

/**
 * A pool of worker processes, like Python's `multiprocessing.Pool`: `map`,
 * `mapAsync`, `starmap`, `imap`, `imapUnordered`, `apply`, `applyAsync`,
 * `close`, `terminate`, `join`, and `using` (terminate at the end of the
 * block, as Python's `with`). Create it once and give it many tasks: a worker
 * process costs tens of milliseconds to start. Functions are sent by source
 * (self-contained) or as `{filename, name}`; arguments and results are copied.
 * A worker that dies (crash, process.exit(), out of memory) fails only the
 * task it held, with BrokenWorkerError, and is replaced.
 *
 * @example
 * ```ts
 * using pool = new Pool();
 * const results = await pool.map(prime, toFactor);   // prime(value) for each value, in cpuCount() processes
 * ```
 */
export class Pool extends PoolBase {
  /** @param options the number of processes (Python's `Pool(processes)`), or options. */
  constructor(options?: number | PoolOptions) {
    const { size, initializer, initargs, maxtasksperchild, execArgv } = poolOptions<PoolOptions>(options, 'processes', 'process');
    const maxTasks = maxtasksperchild === undefined || maxtasksperchild === null ? 0 : positiveInteger('maxtasksperchild', maxtasksperchild, 0);
    if (execArgv !== undefined && (!Array.isArray(execArgv) || execArgv.some((a) => typeof a !== 'string'))) throw typeError('execArgv', 'an array of strings', execArgv);
    guardSpawn('a Pool', true);
    super(new ProcessEngine({ size, initializer, initargs, maxTasks, execArgv: execArgv ?? [], identity: childIdentity() }));
  }
}
