/**
 * What crosses between a thread pool and its worker threads (piscina's
 * types.ts): the init data every worker gets, and the task and result
 * messages in the two rings (serialized by ThreadWire).
 */
import type { SerializedError } from '../error-wire.js';
import type { TaskKind } from './engine.js';
import type { FnSpec } from '../ship/shipped.js';

/** `workerData.loomPool` of a pool thread. */
export interface PoolThreadInit {
  /** Ring of TaskMessages; each entry's key is its task id, so a queued task can be cancelled. */
  tasks: SharedArrayBuffer;
  /** Ring of ResultMessages. */
  results: SharedArrayBuffer;
  /**
   * SLOTS x SLOT_CELLS Int32 cells: [worker threadId, task it runs] (a dead worker's slot names its
   * task; negated while the worker puts its result), then REGISTERED.
   */
  control: SharedArrayBuffer;
  /** The pool's BroadcastChannel (functions, shared buffers: see thread-wire.ts). */
  channel: string;
  /** Thread name prefix. */
  name: string;
  initializer?: FnSpec;
  /** Initializer arguments, encoded (share/encode.ts) with their shared memory. */
  initargs: unknown;
  preload: string[];
  stdio: 'direct' | 'node';
}

/** Slots: room for every worker and the replacements of dead ones. */
export const SLOTS = 256;
export const SLOT_CELLS = 2;
/** The control cell after the slots: bumped (and notified) by each worker as it claims its slot. */
export const REGISTERED = SLOTS * SLOT_CELLS;

export interface TaskMessage {
  /** Task id. */
  i: number;
  /** Function number (announced on the channel). */
  f: number;
  k: TaskKind;
  /** Items, as ThreadWire.outbound made them. */
  x: unknown;
  /** outputHooks.outputTag() where the task was submitted: where its output goes ('' for none). */
  t: string;
}

export interface ResultMessage {
  i: number;
  ok: boolean;
  /** The value (ThreadWire.outbound form) or, when not ok, a SerializedError. */
  v?: unknown | SerializedError;
  /** Set when the worker is dying while it holds the task: why. */
  broken?: string;
}
