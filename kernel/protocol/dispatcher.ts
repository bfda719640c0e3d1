import type { Router } from 'zeromq';
import { log } from '../log.js';
import type { OrderedSender } from '../sockets/sender.js';
import { decode, encode, type WireMessage } from '../wire/codec.js';
import type { ReplayGuard } from '../wire/replay-guard.js';
import type { Signer } from '../wire/signer.js';
import { childOf } from './builder.js';
import type { KernelContext } from './context.js';
import { handlers, type Handler } from './handlers/index.js';
import { NO_REPLY, errorReply, type Request, type RequestType, type ReplyContent } from './messages.js';

interface Channel {
  name: 'shell' | 'control';
  socket: Router;
  sender: OrderedSender;
}

/**
 * Reads requests from shell and control, runs their handlers one at a time per
 * channel, and publishes busy/idle around each: handlers never do that.
 * Control has its own queue, so interrupt and shutdown are answered while a
 * cell runs on shell.
 */
export class Dispatcher {
  private readonly queues = new Map<string, Request[]>();

  constructor(
    private readonly ctx: KernelContext,
    private readonly signer: Signer,
    private readonly replays: ReplayGuard,
  ) {}

  /** Reads a channel until its socket closes. */
  async serve(channel: Channel): Promise<void> {
    const queue: Request[] = [];
    this.queues.set(channel.name, queue);
    let wake: (() => void) | undefined;
    const worker = this.work(channel, queue, () => new Promise<void>((resolve) => (wake = resolve)));
    try {
      for await (const frames of channel.socket) {
        const message = this.accept(channel.name, frames);
        if (!message) continue;
        queue.push(message as Request);
        wake?.();
        wake = undefined;
      }
    } catch (error) {
      if (!channel.socket.closed) log.error(`${channel.name}: ${(error as Error).message}`);
    }
    void worker;
  }

  /** Verifies and decodes; a rejected message is logged once and dropped, never handled. */
  private accept(channelName: string, frames: Buffer[]): WireMessage | undefined {
    const decoded = decode(frames, this.signer, this.replays);
    if (decoded.ok) return decoded.message;
    log.warn(`${channelName}: dropped a message (${decoded.reason})`);
    return undefined;
  }

  private async work(channel: Channel, queue: Request[], idle: () => Promise<void>): Promise<never> {
    for (;;) {
      const request = queue.shift();
      if (!request) {
        await idle();
        continue;
      }
      const reply = await this.handle(channel, request);
      if (failedCell(request, reply)) await this.abortQueued(channel, queue);
    }
  }

  private async handle(channel: Channel, request: Request): Promise<ReplyContent | undefined> {
    const type = request.header.msg_type;
    // Own properties only: "constructor" or "toString" must not find Object.prototype's.
    const handler = Object.hasOwn(handlers, type) ? (handlers[type as RequestType] as Handler<RequestType>) : undefined;
    this.ctx.iopub.status(request, 'busy');
    let reply: ReplyContent | undefined;
    try {
      if (!handler) {
        log.warn(`${channel.name}: unknown message type ${JSON.stringify(type.slice(0, 80))}; ignored`);
      } else {
        reply = await handler(request, this.ctx);
      }
    } catch (error) {
      log.error(`${type}: ${(error as Error).stack ?? error}`);
      reply = errorReply((error as Error).name ?? 'Error', (error as Error).message ?? String(error));
    }
    if (reply && !NO_REPLY.has(type)) this.reply(channel, request, reply);
    this.ctx.iopub.status(request, 'idle');
    return reply;
  }

  /** stop_on_error: execute requests already waiting are answered "aborted", not run. */
  private async abortQueued(channel: Channel, queue: Request[]): Promise<void> {
    const waiting = queue.splice(0);
    for (const request of waiting) {
      if (request.header.msg_type !== 'execute_request') {
        await this.handle(channel, request);
        continue;
      }
      this.ctx.iopub.status(request, 'busy');
      this.reply(channel, request, { status: 'aborted', execution_count: this.ctx.executionCount });
      this.ctx.iopub.status(request, 'idle');
    }
  }

  private reply(channel: Channel, request: Request, content: ReplyContent): void {
    this.ctx.iopub.flush();
    const type = request.header.msg_type.replace(/_request$/, '_reply');
    void channel.sender.send(encode(childOf(this.ctx.identity, request, type, content), this.signer));
  }
}

/**
 * stop_on_error: a cell that failed aborts the cells queued behind it. A request
 * that could not be read (BadRequest) never ran, so nothing failed that they need.
 */
function failedCell(request: Request, reply: ReplyContent | undefined): boolean {
  if (reply?.status !== 'error' || reply.ename === 'BadRequest' || request.header.msg_type !== 'execute_request') return false;
  return (request as Request<'execute_request'>).content.stop_on_error !== false;
}
