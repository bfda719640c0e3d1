import type { KernelContext } from '../context.js';
import type { Request, RequestType } from '../messages.js';
import type { ReplyTo } from '../replies.js';
import { commIgnored, commInfo, commOpen } from './comm.js';
import { interrupt, shutdown } from './control.js';
import { execute } from './execute.js';
import { history } from './history.js';
import { kernelInfo } from './kernel-info.js';
import { complete, inspect, isComplete } from './language.js';
import { debugRequest } from './debug.js';

/** A request's handler returns its reply's content (or an error), or nothing for a message without a reply. */
export type Handler<T extends RequestType> = (request: Request<T>, ctx: KernelContext) => ReplyTo<T> | Promise<ReplyTo<T>>;

/** The one handler table: msg_type -> handler. Anything else is an unknown message. */
export const handlers: { [T in RequestType]: Handler<T> } = {
  kernel_info_request: kernelInfo,
  execute_request: execute,
  complete_request: complete,
  inspect_request: inspect,
  is_complete_request: isComplete,
  history_request: history,
  comm_info_request: commInfo,
  comm_open: commOpen,
  comm_msg: commIgnored,
  comm_close: commIgnored,
  shutdown_request: shutdown,
  interrupt_request: interrupt,
  debug_request: debugRequest,
};
