import type { KernelContext } from '../context.js';
import type { Request, ReplyContent } from '../messages.js';

export function interrupt(_request: Request<'interrupt_request'>, ctx: KernelContext): ReplyContent {
  ctx.executor.interrupt();
  return { status: 'ok' };
}

/** The kernel exits after replying; with restart, the client starts a new kernel. */
export function shutdown(request: Request<'shutdown_request'>, ctx: KernelContext): ReplyContent {
  const restart = request.content.restart === true;
  ctx.shutdown(restart);
  return { status: 'ok', restart };
}
