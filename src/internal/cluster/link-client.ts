/**
 * A thread's side of a cluster's link thread (link.ts has the contract). As
 * with the hub (hub/client.ts), messages are read with receiveMessageOnPort
 * whenever the thread asks, so `callSync` and a busy loop polling a result
 * work, and also by the port's listener on the event loop, so awaits resolve;
 * both take from the same queue. A shared counter (MAIL), bumped by the link
 * thread after each batch, lets a blocked thread sleep with Atomics.wait.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { TimeoutError } from '../../errors.js';
import { entryFile } from '../entry-file.js';
import { deserializeError } from '../error-wire.js';
import { deadlineAfter, remaining } from '../wait.js';
import { trackWorker } from '../workers.js';
import type { ClusterLink } from './link.js';
import type { JobEvent, LinkCommand, LinkInit, LinkMessage } from './link-protocol.js';

type Reply = Extract<LinkMessage, { t: 'reply' }>;
export type JobListener = (event: JobEvent) => void;

export class ClusterLinkClient implements ClusterLink {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #mail = new Int32Array(new SharedArrayBuffer(4));
  #seen = 0;
  #nextId = 0;
  /** Async calls waiting for their reply. */
  readonly #waiting = new Map<number, (reply: Reply) => void>();
  /** Replies for sync calls, taken by callSync. */
  readonly #replies = new Map<number, Reply>();
  readonly #syncIds = new Set<number>();
  readonly #listeners = new Map<number, JobListener>();
  readonly #outbox: LinkCommand[] = [];
  #holds = 0;
  #closed = false;
  #closing = false;
  readonly #exited: Promise<void>;

  constructor(init: Omit<LinkInit, 'events' | 'mail'>) {
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    const data: LinkInit = { ...init, events: port2, mail: this.#mail.buffer as SharedArrayBuffer };
    this.#worker = new Worker(entryFile('cluster-link'), { workerData: { loomLink: data }, transferList: [port2], name: 'loom cluster link' });
    this.#worker.unref();
    trackWorker(this.#worker);
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    this.#port.on('message', (messages: LinkMessage[]) => this.#dispatchAll(messages));
    this.#port.unref();
    this.#worker.on('error', (error) => this.#failed(`the cluster link thread failed: ${error.message}`));
    this.#worker.on('exit', () => this.#failed('the cluster link thread exited'));
  }

  /** The link thread is gone (closed, or failed): calls waiting fail, and so does every task still out. Once. */
  #failed(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    const error = { kind: 'error' as const, name: 'BackendError', message: reason, stack: reason, props: {} };
    for (const [id, resolve] of [...this.#waiting]) {
      this.#waiting.delete(id);
      resolve({ t: 'reply', id, ok: false, error });
    }
    const why = this.#closing ? 'the cluster was closed before this task finished' : reason;
    for (const listener of [...this.#listeners.values()]) listener({ t: 'job', owner: -1, task: -1, ok: false, reason: why, lost: !this.#closing });
  }

  get closed(): boolean {
    return this.#closed;
  }

  #dispatchAll(messages: LinkMessage[]): void {
    for (const message of messages) {
      if (message.t === 'job') {
        this.#listeners.get(message.owner)?.(message);
        continue;
      }
      if (this.#syncIds.has(message.id)) {
        this.#replies.set(message.id, message);
        continue;
      }
      const resolve = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      if (this.#waiting.size === 0) this.unhold();
      resolve?.(message);
    }
  }

  #send(command: LinkCommand): void {
    if (this.#closed) return;
    this.#outbox.push(command);
    if (this.#outbox.length === 1) queueMicrotask(() => this.flush());
  }

  flush(): void {
    if (this.#outbox.length === 0 || this.#closed) return;
    this.#port.postMessage(this.#outbox.splice(0));
  }

  /** Takes in every message that has arrived (sending what waits to go first). */
  drain(): void {
    this.flush();
    this.#seen = Atomics.load(this.#mail, 0);
    for (;;) {
      const received = receiveMessageOnPort(this.#port);
      if (!received) return;
      this.#dispatchAll(received.message as LinkMessage[]);
    }
  }

  /** Blocks this thread until a message arrives after the last drain(), or `ms` pass. */
  sleep(ms: number): void {
    this.flush();
    Atomics.wait(this.#mail, 0, this.#seen, ms);
  }

  call(op: string, args: unknown): Promise<unknown> {
    if (this.#closed) return Promise.reject(deserializeError({ kind: 'error', name: 'BackendError', message: 'the cluster is closed', stack: '', props: {} }));
    const id = ++this.#nextId;
    if (this.#waiting.size === 0) this.hold();
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, (reply) => (reply.ok ? resolve(reply.value) : reject(deserializeError(reply.error))));
      this.#send({ t: 'call', id, op, args });
    });
  }

  callSync(op: string, args: unknown, ms: number): unknown {
    if (this.#closed) throw deserializeError({ kind: 'error', name: 'BackendError', message: 'the cluster is closed', stack: '', props: {} });
    const id = ++this.#nextId;
    this.#syncIds.add(id);
    this.#send({ t: 'call', id, op, args });
    const deadline = deadlineAfter(ms);
    try {
      for (;;) {
        this.drain();
        const reply = this.#replies.get(id);
        if (reply) {
          if (reply.ok) return reply.value;
          throw deserializeError(reply.error);
        }
        if (this.#closed) throw deserializeError({ kind: 'error', name: 'BackendError', message: 'the cluster link thread exited', stack: '', props: {} });
        const left = remaining(deadline);
        if (left <= 0) {
          this.#send({ t: 'abort', id });
          this.flush();
          throw new TimeoutError(`the cluster did not answer '${op}' within ${ms / 1000} s`);
        }
        this.sleep(Math.min(left, 1000));
      }
    } finally {
      this.#syncIds.delete(id);
      this.#replies.delete(id);
    }
  }

  /** Job events of engine `owner` go to `listener`. */
  listen(owner: number, listener: JobListener): void {
    this.#listeners.set(owner, listener);
  }

  unlisten(owner: number): void {
    this.#listeners.delete(owner);
  }

  /** Keep the process alive while something waits on the link (tasks out, a call pending). */
  hold(): void {
    if (this.#holds++ === 0) this.#port.ref();
  }

  unhold(): void {
    if (--this.#holds === 0) this.#port.unref();
  }

  /** Closes the connections and stops the link thread; resolves once it has exited. */
  async close(): Promise<void> {
    if (!this.#closed && !this.#closing) {
      this.#closing = true;
      this.#send({ t: 'close' });
      this.flush();
      this.#worker.ref();
    }
    await this.#exited;
  }
}
