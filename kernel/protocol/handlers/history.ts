import type { KernelContext } from '../context.js';
import { errorReply, type HistoryRequest, type Request, type ReplyContent } from '../messages.js';
import { checkContent } from './validate.js';

export function history(request: Request<'history_request'>, ctx: KernelContext): ReplyContent {
  const problem = checkContent<HistoryRequest>(request.content, { hist_access_type: 'string' }, { n: 'number', start: 'number', stop: 'number', session: 'number', pattern: 'string' });
  if (problem) return errorReply('BadRequest', problem);
  try {
    return { status: 'ok', history: ctx.history.query(request.content) };
  } catch (error) {
    return errorReply('BadRequest', (error as Error).message);
  }
}
