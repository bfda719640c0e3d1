/**
 * A loom thread as its starter sees it: one worker_threads Worker, and the
 * port its one FinishedReply arrives on (messages.ts). Processes are not
 * started this way: the hub runs them (hub/), because a child's pipes need an
 * event loop that never blocks, which the starting thread cannot promise.
 */
import { receiveMessageOnPort, MessageChannel, Worker, type MessagePort, type TransferListItem } from 'node:worker_threads';
import type { FinishedReply, ThreadInit } from './messages.js';
import { trackWorker } from '../workers.js';

export interface AgentSpec {
  /** Absolute path of the entry file that runs inside (entry-file.ts). */
  entry: string;
  /** The init data; the agent adds the reply port. */
  init: Omit<ThreadInit, 'reply'>;
  /** Moved, not copied, to the thread (ArrayBuffers, MessagePorts). */
  transfer: TransferListItem[];
  name: string;
}

export class ThreadAgent {
  readonly #worker: Worker;
  readonly #replies: MessagePort;
  /** The worker's threadId. */
  readonly ident: number;

  constructor(spec: AgentSpec) {
    const channel = new MessageChannel();
    this.#replies = channel.port1;
    // The reply port is read with receiveMessageOnPort only; it must not hold the process open.
    this.#replies.unref();
    const init = { ...spec.init, reply: channel.port2 };
    this.#worker = new Worker(spec.entry, {
      workerData: { loom: init },
      transferList: [channel.port2, ...spec.transfer],
      name: spec.name,
    });
    this.ident = this.#worker.threadId;
    trackWorker(this.#worker);
  }

  /** Takes the thread's reply without needing the event loop; undefined if none has arrived. */
  takeReply(): FinishedReply | undefined {
    return receiveMessageOnPort(this.#replies)?.message as FinishedReply | undefined;
  }
  /** Called once when the thread is gone, with its exit code (needs the starter's event loop). */
  onExit(listener: (code: number) => void): void {
    // The reply port stays open: join() may read the reply after the exit.
    this.#worker.once('exit', listener);
  }
  /** Called when the worker itself failed (not user code: that is in the reply). */
  onError(listener: (error: Error) => void): void {
    this.#worker.on('error', listener);
  }
  /** Keep the starter's process alive while this runs (non-daemon). */
  ref(): void {
    this.#worker.ref();
  }
  /** Let the starter's process exit while this runs (daemon). */
  unref(): void {
    this.#worker.unref();
  }
  terminate(): Promise<number> {
    return this.#worker.terminate();
  }
}
