import { ENAME } from '../enames.js';
import { log } from '../log.js';
import { decode, encode, type WireMessage } from '../wire/codec.js';
import type { ReplayGuard } from '../wire/replay-guard.js';
import type { Signer } from '../wire/signer.js';
import { childOf } from './builder.js';
import type { KernelContext } from './context.js';
import { handlers } from './handlers/index.js';
import { NO_REPLY, type Request } from './messages.js';
import { aborted, errorReply } from './reply-builders.js';
import { replyType, type AnyReply } from './replies.js';
import type { Incoming, Outgoing } from './transport.js';

/** A request channel: requests arrive on its socket, replies leave through its sender. */
export interface Channel {
  name: 'shell' | 'control';
  socket: Incoming;
  sender: Outgoing;
}

/**
 * Requests that do not hold their channel's queue: a debug request may wait
 * for the executor (up to its timeout), and an interrupt must not wait behind it.
 */
const CONCURRENT: ReadonlySet<string> = new Set(['debug_request']);

/** The handler table's entries, seen from here: any request in, any reply (or none) out. */
type AnyHandler = (request: Request, ctx: KernelContext) => AnyReply | undefined | Promise<AnyReply | undefined>;

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
      if (CONCURRENT.has(request.header.msg_type)) {
        void this.handle(channel, request);
        continue;
      }
      const reply = await this.handle(channel, request);
      if (failedCell(request, reply)) await this.abortQueued(channel, queue);
    }
  }

  private async handle(channel: Channel, request: Request): Promise<AnyReply | undefined> {
    const type = request.header.msg_type;
    // Own properties only: "constructor" or "toString" must not find Object.prototype's.
    const handler = Object.hasOwn(handlers, type) ? (handlers[type as keyof typeof handlers] as AnyHandler) : undefined;
    this.ctx.iopub.status(request, 'busy');
    let reply: AnyReply | undefined;
    try {
      if (!handler) {
        log.warn(`${channel.name}: unknown message type ${JSON.stringify(type.slice(0, 80))}; ignored`);
      } else {
        reply = await handler(request, this.ctx);
      }
    } catch (error) {
      log.error(`${type}: ${(error as Error).stack ?? error}`);
      reply = errorReply((error as Error).name ?? ENAME.Error, (error as Error).message ?? String(error));
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
      this.reply(channel, request, aborted(this.ctx.executionCount));
      this.ctx.iopub.status(request, 'idle');
    }
  }

  private reply(channel: Channel, request: Request, content: AnyReply): void {
    this.ctx.iopub.flush();
    void channel.sender.send(encode(childOf(this.ctx.identity, request, replyType(request.header.msg_type), content), this.signer));
  }
}

/**
 * stop_on_error: a cell that failed aborts the cells queued behind it. A request
 * that could not be read (BadRequest) never ran, so nothing failed that they need.
 */
function failedCell(request: Request, reply: AnyReply | undefined): boolean {
  if (request.header.msg_type !== 'execute_request' || !reply || !('status' in reply)) return false;
  if (reply.status !== 'error' || reply.ename === ENAME.BadRequest) return false;
  return (request as Request<'execute_request'>).content.stop_on_error !== false;
}
