/**
 * One interface for the ways loom runs code elsewhere (tinypool's
 * runtime/*-worker.ts). Threads implement it with worker_threads; a process
 * backend for loom/multiprocessing implements the same, with its own entry/
 * file, and reuses shipping, shared-object encoding and error serialisation.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { FinishedReply, ThreadInit } from '../messages.js';

export interface AgentSpec {
  /** Absolute path of the entry file that runs inside (entry/*.js). */
  entry: string;
  /** The init data; the backend adds the reply port. */
  init: Omit<ThreadInit, 'reply'>;
  /** Moved, not copied, to the agent (ArrayBuffers, MessagePorts). */
  transfer: TransferListItem[];
  name: string;
}

/** Something running elsewhere, as its starter sees it. */
export interface Agent {
  /** Thread id (or pid for a process). */
  readonly ident: number;
  /** Takes the agent's reply without needing the event loop; undefined if none has arrived. */
  takeReply(): FinishedReply | undefined;
  /** Called once when the agent is gone, with its exit code (needs the starter's event loop). */
  onExit(listener: (code: number) => void): void;
  /** Called when the agent itself failed (not user code: that is in the reply). */
  onError(listener: (error: Error) => void): void;
  /** Keep the starter's process alive while this runs (non-daemon). */
  ref(): void;
  /** Let the starter's process exit while this runs (daemon). */
  unref(): void;
  terminate(): Promise<number>;
}

export interface Backend {
  spawn(spec: AgentSpec): Agent;
}
