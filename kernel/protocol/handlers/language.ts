import type { KernelContext } from '../context.js';
import { errorReply, type CompleteRequest, type InspectRequest, type IsCompleteRequest, type Request, type ReplyContent } from '../messages.js';
import { checkContent } from './validate.js';

/** complete_request, inspect_request and is_complete_request: the language service answers. */
export async function complete(request: Request<'complete_request'>, ctx: KernelContext): Promise<ReplyContent> {
  const problem = checkContent<CompleteRequest>(request.content, { code: 'string', cursor_pos: 'number' });
  if (problem) return errorReply('BadRequest', problem);
  return ctx.language.complete(request.content.code, request.content.cursor_pos);
}

export async function inspect(request: Request<'inspect_request'>, ctx: KernelContext): Promise<ReplyContent> {
  const problem = checkContent<InspectRequest>(request.content, { code: 'string', cursor_pos: 'number' });
  if (problem) return errorReply('BadRequest', problem);
  const level = request.content.detail_level === 1 ? 1 : 0;
  return ctx.language.inspect(request.content.code, request.content.cursor_pos, level);
}

export async function isComplete(request: Request<'is_complete_request'>, ctx: KernelContext): Promise<ReplyContent> {
  const problem = checkContent<IsCompleteRequest>(request.content, { code: 'string' });
  if (problem) return errorReply('BadRequest', problem);
  return ctx.language.isComplete(request.content.code);
}
