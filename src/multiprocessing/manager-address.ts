/**
 * How a Manager is reached, as data every thread of its process can hold: its
 * request queue, a few shared cells, and the name of the BroadcastChannel on
 * which a calling thread hands the manager its reply queue (a queue is
 * shared memory, which the queues themselves cannot carry).
 */
import type { SharedForm } from '../internal/share/registry.js';

export interface ManagerAddress {
  /** Process-wide id of the manager (nextSharedId): one client per manager per thread. */
  id: number;
  /** The request queue's shared form (a queue.Queue of Buffers). */
  requests: SharedForm;
  /** Int32 cells, CONTROL below. */
  control: SharedArrayBuffer;
  /** BroadcastChannel name for reply queues. */
  channel: string;
}

export const CONTROL = {
  /** RUNNING, SHUT_DOWN or ENDED. */
  STATE: 0,
  /** The last caller id handed out (each calling thread takes the next). */
  NEXT_CALLER: 1,
  /**
   * 1 once the manager's thread listens on its BroadcastChannel: a message
   * posted on a channel before the other side opens it is lost, so a caller
   * announces its reply queue only after this.
   */
  READY: 2,
  CELLS: 3,
} as const;

export const RUNNING = 0;
/** shutdown() was called and the manager has answered it. */
export const SHUT_DOWN = 1;
/** The manager's thread ended without a shutdown() (terminated, crashed, its process exiting). */
export const ENDED = 2;

/** A request: the object (0: the manager itself), the operation and its arguments. */
export interface Request {
  t: number;
  o: string;
  a: unknown[];
}

/** A reply: the value, or the error (error-wire.ts data) as `e`. */
export interface Reply {
  v?: unknown;
  e?: unknown;
}

/** Bytes of the request queue's ring, and of each calling thread's reply queue. */
export const REQUEST_RING = 1 << 20;
export const REPLY_RING = 1 << 18;
/** The largest part of a message: a quarter of the ring, so several are in flight. */
export const REQUEST_PART = REQUEST_RING >> 2;
export const REPLY_PART = REPLY_RING >> 2;
/** How long a caller waits for a new manager's thread to boot, at most (ms). */
export const BOOT_MS = 60_000;
/** How often a caller waiting on a manager looks whether it is still there (seconds). */
export const POLL_SECONDS = 0.5;
