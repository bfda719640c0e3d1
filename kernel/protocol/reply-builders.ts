/**
 * The few shapes every reply takes: ok with the reply's fields, an error, or
 * aborted. Handlers build replies with these instead of writing `status` by hand.
 */
import type { ErrorContent } from '../jupyter/output.js';
import { ENAME } from '../enames.js';
import type { AbortedReply, ErrorReply } from './replies.js';

export function ok<C extends object>(content: C): { status: 'ok' } & C {
  return { status: 'ok', ...content };
}

/** The reply for a request that failed before or inside its handler. */
export function errorReply(ename: string, evalue: string, traceback: string[] = []): ErrorReply {
  return { status: 'error', ename, evalue, traceback };
}

/** A request whose content the handler cannot use: it did nothing. */
export function badRequest(problem: string): ErrorReply {
  return errorReply(ENAME.BadRequest, problem);
}

/** execute_reply for a cell that failed: the error, as published on iopub, with its count. */
export function cellError(executionCount: number, error: ErrorContent): ErrorReply & { execution_count: number } {
  return { status: 'error', execution_count: executionCount, ...error };
}

/** execute_reply for a cell that was never run (stop_on_error after an earlier failure). */
export function aborted(executionCount: number): AbortedReply & { execution_count: number } {
  return { status: 'aborted', execution_count: executionCount };
}
