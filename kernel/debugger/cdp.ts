/**
 * The kernel's end of the Chrome DevTools Protocol session that the
 * executor's debug relay thread (executor/runtime/debug-relay.ts) holds on
 * the executor's main thread: JSON lines over the executor's debug pipe.
 * Commands time out, so a main thread that cannot answer (blocked in a
 * synchronous wait) never leaves a debug request hanging.
 */
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';

const COMMAND_TIMEOUT_MS = 10_000;

/** A CDP session on one thread: the executor's main thread (CdpClient) or one of its workers (worker-channel.ts). */
export interface Cdp {
  send<T = any>(method: string, params?: object, timeoutMs?: number): Promise<T>;
}

export interface CdpEvents {
  /** A CDP event: Debugger.paused, Debugger.resumed, Debugger.scriptParsed... */
  event: [method: string, params: any];
  /** The relay is gone (the executor exited or was replaced). */
  closed: [];
}

interface Pending {
  resolve(result: any): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class CdpClient extends EventEmitter<CdpEvents> implements Cdp {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private open = true;

  constructor(private readonly pipe: Duplex) {
    super();
    pipe.on('error', () => this.close());
    pipe.on('close', () => this.close());
    createInterface({ input: pipe, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
  }

  get connected(): boolean {
    return this.open;
  }

  send<T = any>(method: string, params: object = {}, timeoutMs = COMMAND_TIMEOUT_MS): Promise<T> {
    if (!this.open) return Promise.reject(new Error('the executor is gone'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the executor did not answer ${method} within ${timeoutMs / 1000} s (is its main thread blocked in a synchronous wait?)`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.pipe.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('the executor is gone'));
    }
    this.pending.clear();
    this.pipe.destroy();
    this.emit('closed');
  }

  private onLine(line: string): void {
    let message: { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } };
    try {
      message = JSON.parse(line);
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
}
