/**
 * The kernel's end of the Chrome DevTools Protocol session that the
 * executor's debug relay thread (executor/runtime/debug-relay.ts) holds on
 * the executor's main thread: JSON lines over the executor's debug socket.
 * Commands time out, so a main thread that cannot answer (blocked in a
 * synchronous wait) never leaves a debug request hanging.
 */
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import { CdpReplies } from './cdp-replies.js';

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

export class CdpClient extends EventEmitter<CdpEvents> implements Cdp {
  private readonly replies = new CdpReplies();
  private open = true;

  constructor(private readonly pipe: Duplex) {
    super();
    pipe.on('error', () => this.close());
    pipe.on('close', () => this.close());
    this.replies.on('event', (method, params) => this.emit('event', method, params));
    createInterface({ input: pipe, crlfDelay: Infinity }).on('line', (line) => this.replies.receive(line));
  }

  send<T = any>(method: string, params: object = {}, timeoutMs = COMMAND_TIMEOUT_MS): Promise<T> {
    if (!this.open) return Promise.reject(new Error('the executor is gone'));
    const why = ' (is its main thread blocked in a synchronous wait?)';
    return this.replies.command<T>(method, params, timeoutMs, (json) => this.pipe.write(`${json}\n`), why);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.replies.failAll('the executor is gone');
    this.pipe.destroy();
    this.emit('closed');
  }
}
