/**
 * A CDP session on one of the executor's worker threads (a loom Thread or a
 * pool's worker), reached through the main thread's session and V8's
 * NodeWorker domain: commands go in NodeWorker.sendMessageToWorker, answers
 * and events come back in NodeWorker.receivedMessageFromWorker.
 */
import { EventEmitter } from 'node:events';
import type { Cdp, CdpClient } from './cdp.js';
import { CdpReplies } from './cdp-replies.js';

const COMMAND_TIMEOUT_MS = 10_000;

export class WorkerChannel extends EventEmitter<{ event: [method: string, params: any] }> implements Cdp {
  private readonly replies = new CdpReplies();

  constructor(private readonly main: CdpClient, readonly sessionId: string) {
    super();
    this.replies.on('event', (method, params) => this.emit('event', method, params));
  }

  send<T = any>(method: string, params: object = {}, timeoutMs = COMMAND_TIMEOUT_MS): Promise<T> {
    return this.replies.command<T>(method, params, timeoutMs, (message) => {
      this.main.send('NodeWorker.sendMessageToWorker', { sessionId: this.sessionId, message }).catch((error: Error) => this.replies.failAll(error.message));
    }, '');
  }

  /** A message from the worker (NodeWorker.receivedMessageFromWorker's `message`). */
  receive(text: string): void {
    this.replies.receive(text);
  }

  /** The worker is gone: what waits for it fails now. */
  close(): void {
    this.replies.failAll('the thread has ended');
  }
}
