import { ENAME } from '../../enames.js';
import type { ErrorContent } from '../../jupyter/output.js';
import type { DoneFrame } from '../../executor/messages.js';
import { log } from '../../log.js';
import type { KernelContext } from '../context.js';
import { helpQuery } from '../help-query.js';
import type { ExecuteRequest, Request } from '../messages.js';
import { badRequest, cellError, ok } from '../reply-builders.js';
import type { ExecuteReply, ReplyTo } from '../replies.js';
import { typeErrorContent } from '../type-errors.js';
import { checkContent } from './validate.js';

/** Failures that mean none of the cell ran, so the type checker must not learn its declarations. */
const NEVER_RAN: ReadonlySet<string> = new Set([ENAME.SyntaxError, ENAME.ExecutorUnavailable]);

/**
 * execute_request: count, announce, hand the cell to the executor, and reply
 * when it is done. Output arrives on iopub meanwhile (see executor-output.ts).
 */
export async function execute(request: Request<'execute_request'>, ctx: KernelContext): Promise<ReplyTo<'execute_request'>> {
  const problem = checkContent<ExecuteRequest>(
    request.content,
    { code: 'string' },
    { silent: 'boolean', store_history: 'boolean', allow_stdin: 'boolean', stop_on_error: 'boolean', user_expressions: 'object' },
  );
  if (problem) return badRequest(problem);
  // From here on, an interrupt is meant for this cell, even before it reaches the executor.
  const interruptsBefore = ctx.executor.interrupts;

  const { code, user_expressions: userExpressions = {} } = request.content;
  const silent = request.content.silent === true;
  const storeHistory = silent ? false : request.content.store_history !== false;
  const allowStdin = request.content.allow_stdin !== false;
  if (storeHistory) ctx.executionCount += 1;
  const executionCount = ctx.executionCount;

  ctx.cells.add({ request, executionCount, allowStdin, silent });
  if (!silent) ctx.iopub.publish(request, 'execute_input', { code, execution_count: executionCount });
  if (storeHistory) ctx.history.add(executionCount, code);

  const asked = helpQuery(code);
  if (asked !== undefined) return showHelp(asked, ctx, executionCount);

  // A silent cell is not checked; a cell the checker could not check runs unchecked: the executor transpiles those itself.
  const checked = silent ? undefined : await ctx.language.checkAndCompile(code).catch((error: Error) => {
    // A broken language service must not stop cells from running.
    log.warn(`type check skipped: ${error.message}`);
    return undefined;
  });
  const typeErrors = checked?.diagnostics ?? [];
  if (typeErrors.length > 0) return failed(request, ctx, executionCount, typeErrorContent(typeErrors, executionCount), silent);

  let done: Omit<DoneFrame, 'type' | 'parent'>;
  try {
    await ctx.debugger.beforeCell(code);
    const compiled = checked?.compiled;
    done = await ctx.executor.execute({ parent: request.header.msg_id, code, executionCount, silent, userExpressions, allowStdin, ...(compiled && { compiled }) }, interruptsBefore);
  } catch (error) {
    done = { status: 'error', error: { ename: ENAME.ExecutorUnavailable, evalue: (error as Error).message, traceback: [] }, userExpressions: {} };
  }

  if (done.stateLost) {
    ctx.language.reset();
  } else if (!done.notRun && (done.status === 'ok' || !NEVER_RAN.has(done.error?.ename ?? ''))) {
    // What a cell declared before it failed exists at run time, so later cells may use it.
    ctx.language.addCell(code);
  }
  if (done.status === 'ok') {
    return ok({ execution_count: executionCount, user_expressions: done.userExpressions, payload: [] });
  }
  return failed(request, ctx, executionCount, done.error ?? { ename: ENAME.Error, evalue: 'the cell failed', traceback: [] }, silent);
}

/** `name?`: the pager shows what inspection knows (detail level 1), as IPython's `?` does. */
async function showHelp(expression: string, ctx: KernelContext, executionCount: number): Promise<ExecuteReply> {
  const found = await ctx.language.inspect(expression, [...expression].length, 1).catch(() => undefined);
  const data = found?.found ? found.data : { 'text/plain': `Nothing is known about ${expression}.` };
  return ok({ execution_count: executionCount, user_expressions: {}, payload: [{ source: 'page' as const, data, start: 0 }] });
}

function failed(request: Request<'execute_request'>, ctx: KernelContext, executionCount: number, error: ErrorContent, silent: boolean): ExecuteReply {
  if (!silent) ctx.iopub.publish(request, 'error', error);
  return cellError(executionCount, error);
}
