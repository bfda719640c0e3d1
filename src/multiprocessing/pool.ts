/** multiprocessing.Pool: worker processes that run tasks, Python's pool API. */
import { backendEngine } from '../internal/pool/backend.js';
import type { Engine } from '../internal/pool/engine.js';
import { ProcessEngine } from '../internal/pool/process-engine.js';
import { guardSpawn } from '../internal/spawn-guard.js';
import { optionsObject, typeError } from '../internal/validate.js';
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
    const backend = typeof options === 'object' && options !== null ? options.backend : undefined;
    if (backend !== undefined) {
      super(remoteEngine(options as PoolOptions));
      return;
    }
    const { size, initializer, initargs, maxtasksperchild, execArgv } = poolOptions<PoolOptions>(options, 'processes', 'process');
    const maxTasks = maxtasksperchild === undefined || maxtasksperchild === null ? 0 : positiveInteger('maxtasksperchild', maxtasksperchild, 0);
    if (execArgv !== undefined && (!Array.isArray(execArgv) || execArgv.some((a) => typeof a !== 'string'))) throw typeError('execArgv', 'an array of strings', execArgv);
    guardSpawn('a Pool', true);
    super(new ProcessEngine({ size, initializer, initargs, maxTasks, execArgv: execArgv ?? [], identity: childIdentity() }));
  }
}

/** A pool on a backend (a cluster): `processes` tasks out at once, by default as many as its workers' slots. */
function remoteEngine(options: PoolOptions): Engine {
  const { backend, processes, initializer, maxtasksperchild, execArgv } = optionsObject<PoolOptions>('options', options);
  const size = () => (processes === undefined || processes === null ? undefined : positiveInteger('processes', processes, 1));
  // null counts as not given, as without a backend; execArgv has no such reading there either.
  return backendEngine(backend, size, { initializer: ['initializer', initializer ?? undefined], maxTasks: ['maxtasksperchild', maxtasksperchild ?? undefined], execArgv });
}
