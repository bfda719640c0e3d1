import type { KernelContext } from '../context.js';
import type { CompleteRequest, InspectRequest, IsCompleteRequest, Request } from '../messages.js';
import { badRequest } from '../reply-builders.js';
import type { ReplyTo } from '../replies.js';
import { checkContent } from './validate.js';

/** complete_request, inspect_request and is_complete_request: the language service answers. */
export async function complete(request: Request<'complete_request'>, ctx: KernelContext): Promise<ReplyTo<'complete_request'>> {
  const problem = checkContent<CompleteRequest>(request.content, { code: 'string', cursor_pos: 'number' });
  if (problem) return badRequest(problem);
  return ctx.language.complete(request.content.code, request.content.cursor_pos);
}

export async function inspect(request: Request<'inspect_request'>, ctx: KernelContext): Promise<ReplyTo<'inspect_request'>> {
  const problem = checkContent<InspectRequest>(request.content, { code: 'string', cursor_pos: 'number' });
  if (problem) return badRequest(problem);
  const level = request.content.detail_level === 1 ? 1 : 0;
  return ctx.language.inspect(request.content.code, request.content.cursor_pos, level);
}

export async function isComplete(request: Request<'is_complete_request'>, ctx: KernelContext): Promise<ReplyTo<'is_complete_request'>> {
  const problem = checkContent<IsCompleteRequest>(request.content, { code: 'string' });
  if (problem) return badRequest(problem);
  return ctx.language.isComplete(request.content.code);
}
