/**
 * A CDP session on one of the executor's worker threads (a loom Thread or a
 * pool's worker), reached through the main thread's session and V8's
 * NodeWorker domain: commands go in NodeWorker.sendMessageToWorker, answers
 * and events come back in NodeWorker.receivedMessageFromWorker.
 */
import { EventEmitter } from 'node:events';
import type { Cdp, CdpClient } from './cdp.js';

const COMMAND_TIMEOUT_MS = 10_000;

interface Pending {
  resolve(result: any): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class WorkerChannel extends EventEmitter<{ event: [method: string, params: any] }> implements Cdp {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly main: CdpClient, readonly sessionId: string) {
    super();
  }

  send<T = any>(method: string, params: object = {}, timeoutMs = COMMAND_TIMEOUT_MS): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the thread did not answer ${method} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.main.send('NodeWorker.sendMessageToWorker', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) }).catch((error: Error) => {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error);
      });
    });
  }

  /** A message from the worker (NodeWorker.receivedMessageFromWorker's `message`). */
  receive(text: string): void {
    let message: { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.id === undefined) {
      if (message.method) this.emit('event', message.method, message.params ?? {});
      return;
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    clearTimeout(waiter.timer);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  }

  /** The worker is gone: what waits for it fails now. */
  close(): void {
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('the thread has ended'));
    }
    this.pending.clear();
  }
}
