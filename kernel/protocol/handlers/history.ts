import type { KernelContext } from '../context.js';
import type { HistoryRequest, Request } from '../messages.js';
import { badRequest, ok } from '../reply-builders.js';
import type { ReplyTo } from '../replies.js';
import { checkContent } from './validate.js';

export function history(request: Request<'history_request'>, ctx: KernelContext): ReplyTo<'history_request'> {
  const problem = checkContent<HistoryRequest>(request.content, { hist_access_type: 'string' }, { n: 'number', start: 'number', stop: 'number', session: 'number', pattern: 'string' });
  if (problem) return badRequest(problem);
  try {
    return ok({ history: ctx.history.query(request.content) });
  } catch (error) {
    return badRequest((error as Error).message);
  }
}
