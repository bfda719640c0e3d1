/**
 * Jupyter messaging protocol 5.4: the replies Loom sends, as data. Each reply
 * type maps to its content, with the spec's field names; `ReplyTo<T>` is what
 * the handler of request type T returns (see handlers/index.ts).
 *
 * The contents are type aliases, not interfaces: an alias of an object type is
 * assignable to a structurally equal type declared elsewhere (the language
 * service's own reply types), so no cast is needed where the two meet.
 */
import type { ErrorContent, MimeBundle } from '../jupyter/output.js';
import type { UserExpressionResult } from '../executor/messages.js';
import type { RequestType } from './messages.js';
import type { DapResponse } from '../debugger/dap.js';

/** Any request may fail: status error, with the error as Jupyter shows it. */
export type ErrorReply = { status: 'error' } & ErrorContent;

/** A request that was not run (stop_on_error after a failed cell). */
export type AbortedReply = { status: 'aborted' };

export type ExecuteReply =
  | { status: 'ok'; execution_count: number; user_expressions: Record<string, UserExpressionResult>; payload: Payload[] }
  | (ErrorReply & { execution_count: number })
  | (AbortedReply & { execution_count: number });

/** A payload of an execute_reply; Loom sends only `page` (the `name?` help). */
export type Payload = { source: 'page'; data: MimeBundle; start: number };

export type KernelInfoReply = {
  status: 'ok';
  protocol_version: string;
  implementation: string;
  implementation_version: string;
  language_info: {
    name: string;
    version: string;
    mimetype: string;
    file_extension: string;
    pygments_lexer?: string;
    codemirror_mode?: string | Record<string, unknown>;
    nbconvert_exporter?: string;
  };
  banner: string;
  help_links?: Array<{ text: string; url: string }>;
  debugger?: boolean;
};

export type CompleteReply = {
  status: 'ok';
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: Record<string, unknown>;
};

export type InspectReply = {
  status: 'ok';
  found: boolean;
  data: MimeBundle;
  metadata: Record<string, unknown>;
};

export type IsCompleteReply =
  | { status: 'complete' | 'invalid' | 'unknown' }
  | { status: 'incomplete'; indent: string };

/** One history entry: [session, line number, source], or with output [session, line, [source, output]]. */
export type HistoryEntry = [number, number, string | [string, string | null]];

export type HistoryReply = { status: 'ok'; history: HistoryEntry[] };

/** Open comms by id; Loom has none. */
export type CommInfoReply = { status: 'ok'; comms: Record<string, { target_name: string }> };

export type ShutdownReply = { status: 'ok'; restart: boolean };

export type InterruptReply = { status: 'ok' };

/** Reply contents by msg_type. */
export interface ReplyContents {
  kernel_info_reply: KernelInfoReply;
  execute_reply: ExecuteReply;
  complete_reply: CompleteReply;
  inspect_reply: InspectReply;
  is_complete_reply: IsCompleteReply;
  history_reply: HistoryReply;
  comm_info_reply: CommInfoReply;
  shutdown_reply: ShutdownReply;
  interrupt_reply: InterruptReply;
  /** The DAP response, as the content itself (it has no status field). */
  debug_reply: DapResponse;
}

export type ReplyType = keyof ReplyContents;

/** `execute_request` -> `execute_reply`; messages without a reply (comms) -> never. */
export type ReplyTypeOf<T extends RequestType> = T extends `${infer Name}_request` ? `${Name}_reply` & ReplyType : never;

/** What the handler of T returns: its reply's content or an error, or nothing for messages without a reply. */
export type ReplyTo<T extends RequestType> = [ReplyTypeOf<T>] extends [never] ? undefined : ReplyContents[ReplyTypeOf<T>] | ErrorReply;

/** Any reply content, as the dispatcher sends it. */
export type AnyReply = ReplyContents[ReplyType] | ErrorReply;

/** The reply type for a request type, at run time (messages without a reply never get here). */
export function replyType(requestType: string): string {
  return requestType.replace(/_request$/, '_reply');
}
