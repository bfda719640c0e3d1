/**
 * Where a Pool or ProcessPoolExecutor runs its tasks when given a `backend`
 * (a cluster from loom/distributed): an engine of its own making. Only this
 * interface is known here, so multiprocessing/ and futures/ never load the
 * cluster's machinery (BullMQ, ioredis): a plain `new Pool()` stays local.
 */
import { typeError, valueError } from '../validate.js';
import type { Engine } from './engine.js';

export interface BackendEngineSpec {
  /** Tasks out at once; undefined: as many as the backend's workers have slots now. */
  size: number | undefined;
}

export interface PoolBackend {
  /** An engine running tasks on the backend's workers. */
  engine(spec: BackendEngineSpec): Engine;
}

/** Whether `value` is a backend (a Pool's `backend` option). */
export function isBackend(value: unknown): value is PoolBackend {
  return typeof value === 'object' && value !== null && typeof (value as Partial<PoolBackend>).engine === 'function';
}

/**
 * The engine of a Pool or ProcessPoolExecutor given a `backend`, `size()` tasks out at once
 * (undefined: the backend's slots; checked last, after the options). The options that belong to a local pool's own workers are
 * refused, each named as the caller spells it: given as anything but undefined, ArgumentValueError.
 */
export function backendEngine(backend: unknown, size: () => number | undefined, options: { initializer: [string, unknown]; maxTasks: [string, unknown]; execArgv: unknown }): Engine {
  if (!isBackend(backend)) throw typeError('backend', 'a cluster (from loom/distributed)', backend);
  const [initializerName, initializer] = options.initializer;
  if (initializer !== undefined) throw valueError(initializerName, 'undefined with a backend (a cluster\'s workers run no initializer)', initializer);
  const [maxTasksName, maxTasks] = options.maxTasks;
  if (maxTasks !== undefined) throw valueError(maxTasksName, 'undefined with a backend', maxTasks);
  if (options.execArgv !== undefined) throw valueError('execArgv', 'undefined with a backend (set it on the workers)', options.execArgv);
  return backend.engine({ size: size() });
}
