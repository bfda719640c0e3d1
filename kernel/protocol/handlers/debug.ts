import type { KernelContext } from '../context.js';
import type { Request } from '../messages.js';
import type { ReplyTo } from '../replies.js';

/** debug_request: its content is a DAP request, the reply's content the DAP response (kernel/debugger/). */
export function debugRequest(request: Request<'debug_request'>, ctx: KernelContext): Promise<ReplyTo<'debug_request'>> {
  return ctx.debugger.handle(request.content);
}
