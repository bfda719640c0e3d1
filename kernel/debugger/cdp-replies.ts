/**
 * The bookkeeping of one CDP session, whatever carries it: numbered
 * commands waiting for their answers (each with a deadline), and the events
 * that come between them. CdpClient (the executor's debug socket) and
 * WorkerChannel (a worker, through the main thread's session) both use it.
 */
import { EventEmitter } from 'node:events';

interface Pending {
  resolve(result: any): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

interface Message {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string };
}

export class CdpReplies extends EventEmitter<{ event: [method: string, params: any] }> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** Numbers a command, hands its JSON to `write`, and waits for its answer (at most `timeoutMs`). */
  command<T>(method: string, params: object, timeoutMs: number, write: (json: string) => void, why: string): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${method} within ${timeoutMs / 1000} s${why}`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        write(JSON.stringify({ id, method, params }));
      } catch (error) {
        this.settle(id, undefined, error as Error);
      }
    });
  }

  /** A message from the session: an answer settles its command, an event is emitted. */
  receive(text: string): void {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    if (message.id === undefined) {
      if (message.method) this.emit('event', message.method, message.params ?? {});
      return;
    }
    this.settle(message.id, message.result, message.error && new Error(message.error.message));
  }

  /** The session is gone: every command still waiting fails with `reason`. */
  failAll(reason: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, new Error(reason));
  }

  /** Settles command `id`, if it still waits. */
  settle(id: number, result: unknown, error?: Error): void {
    const waiter = this.pending.get(id);
    if (!waiter) return;
    this.pending.delete(id);
    clearTimeout(waiter.timer);
    if (error) waiter.reject(error);
    else waiter.resolve(result);
  }
}
