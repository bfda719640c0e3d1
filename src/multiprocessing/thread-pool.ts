/** multiprocessing.pool.ThreadPool: the Pool API on worker threads (piscina 5 underneath). */
import { ThreadEngine } from '../internal/pool/thread-engine.js';
import { guardSpawn } from '../internal/spawn-guard.js';
import { tuneV8ForThreads } from '../internal/v8-tuning.js';
import { poolOptions, type ThreadPoolOptions } from './options.js';
import { PoolBase } from './pool-base.js';

let pools = 0;

/**
 * A pool of worker threads with the API of Python's `multiprocessing.pool.ThreadPool`
 * (and of Pool): `map`, `mapAsync`, `starmap`, `imap`, `apply`, `applyAsync`,
 * `close`, `terminate`, `join`. Unlike Python's, the threads run truly in
 * parallel. Functions are sent by source (self-contained) or as
 * `{filename, name}`; arguments are copied, except shared objects (Lock,
 * Queue, Value, ...), which arrive as themselves.
 *
 * @example
 * ```ts
 * using pool = new ThreadPool(4);
 * console.log(await pool.map((x: number) => x * x, [1, 2, 3]));
 * ```
 */
export class ThreadPool extends PoolBase {
  /** @param options the number of threads (Python's `ThreadPool(processes)`), or options. */
  constructor(options?: number | ThreadPoolOptions) {
    const { size, initializer, initargs, resourceLimits } = poolOptions<ThreadPoolOptions>(options, 'processes', 'thread');
    guardSpawn('a ThreadPool', false);
    tuneV8ForThreads();
    super(new ThreadEngine({ size, name: `ThreadPool-${++pools}`, initializer, initargs, resourceLimits }));
  }
}
