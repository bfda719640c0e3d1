import type { KernelContext } from '../context.js';
import type { Request } from '../messages.js';
import { ok } from '../reply-builders.js';
import type { InterruptReply, ShutdownReply } from '../replies.js';

export async function interrupt(_request: Request<'interrupt_request'>, ctx: KernelContext): Promise<InterruptReply> {
  await ctx.debugger.beforeInterrupt();
  ctx.executor.interrupt();
  return ok({});
}

/** The kernel exits after replying; with restart, the client starts a new kernel. */
export function shutdown(request: Request<'shutdown_request'>, ctx: KernelContext): ShutdownReply {
  const restart = request.content.restart === true;
  ctx.shutdown(restart);
  return ok({ restart });
}
