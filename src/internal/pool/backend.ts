/**
 * Where a Pool or ProcessPoolExecutor runs its tasks when given a `backend`
 * (a cluster from loom/distributed): an engine of its own making. Only this
 * interface is known here, so multiprocessing/ and futures/ never load the
 * cluster's machinery (BullMQ, ioredis): a plain `new Pool()` stays local.
 */
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
