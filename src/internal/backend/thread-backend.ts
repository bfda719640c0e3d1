/** The Backend for loom's threads: one worker_threads Worker per Thread. */
import { receiveMessageOnPort, MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { FinishedReply } from '../messages.js';
import { trackWorker } from '../workers.js';
import type { Agent, AgentSpec, Backend } from './backend.js';

class ThreadAgent implements Agent {
  readonly #worker: Worker;
  readonly #replies: MessagePort;
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

  takeReply(): FinishedReply | undefined {
    return receiveMessageOnPort(this.#replies)?.message as FinishedReply | undefined;
  }
  onExit(listener: (code: number) => void): void {
    // The reply port stays open: join() may read the reply after the exit.
    this.#worker.once('exit', listener);
  }
  onError(listener: (error: Error) => void): void {
    this.#worker.on('error', listener);
  }
  ref(): void {
    this.#worker.ref();
  }
  unref(): void {
    this.#worker.unref();
  }
  terminate(): Promise<number> {
    return this.#worker.terminate();
  }
}

export const threadBackend: Backend = {
  spawn: (spec) => new ThreadAgent(spec),
};
