/**
 * Everything that crosses the boundary between a starter and the thread it
 * starts. One file, so both sides read the same contract (piscina's
 * types.ts). A Process has its own, with its hub: hub/protocol.ts.
 */
import type { SerializedError } from '../error-wire.js';
import type { ShippedCode } from '../ship/shipped.js';
import type { MessagePort } from 'node:worker_threads';

/** Int32 cells of a thread's control block, shared by the thread and its starter. */
export const CONTROL = {
  /** NEW → RUNNING (set by start(), before the worker boots) → FINISHED (set by the thread after its reply). */
  STATE: 0,
  /** The OS thread id, published by the thread as it boots (0 until then). */
  NATIVE_ID: 1,
  /** 1 once the thread has booted and published NATIVE_ID. */
  BOOTED: 2,
  CELLS: 3,
} as const;

export const STATE_NEW = 0;
export const STATE_RUNNING = 1;
export const STATE_FINISHED = 2;

/** What to run: a Thread subclass instance, or a plain Thread with a target. */
export interface ThreadJob {
  /** The Thread subclass (with its superclasses as prelude); absent for a plain Thread. */
  cls?: ShippedCode;
  /** The target function, when the Thread was given one. */
  target?: ShippedCode;
  /** Arguments for the target, shared objects encoded (share/encode.ts). */
  args: unknown[];
  /** The Thread object's own fields, encoded the same way. */
  fields: Record<string, unknown>;
  name: string;
  daemon: boolean;
}

/** `workerData.loom` of a thread worker. */
export interface ThreadInit {
  job: ThreadJob;
  control: SharedArrayBuffer;
  /** The process-wide counters (process-state.ts). */
  process: SharedArrayBuffer;
  /** Where the one FinishedReply goes; the starter reads it with receiveMessageOnPort. */
  reply: MessagePort;
  preload: string[];
  stdio: 'direct' | 'node';
}

/** A field of the Thread object that could not be copied back, and why. */
export interface DroppedField {
  field: string;
  reason: string;
}

/** The thread's one message to its starter, posted just before STATE becomes FINISHED. */
export interface FinishedReply {
  type: 'finished';
  /** The Thread object's own fields after run(), encoded: Python's "attributes set on self". */
  fields: Record<string, unknown>;
  dropped: DroppedField[];
  error?: SerializedError;
  /** The thread printed its error itself (outputHooks.reportErrorsInWorker): the starter does not print it again. */
  reported?: boolean;
}
