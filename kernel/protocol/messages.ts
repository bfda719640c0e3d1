/**
 * Jupyter messaging protocol 5.4: the requests Loom answers, as data.
 * Each request type maps to its content; the reply type is `<name>_reply`
 * (its content is in replies.ts).
 */
import type { WireMessage } from '../wire/codec.js';
import type { DapRequest } from '../debugger/dap.js';

export const PROTOCOL_VERSION = '5.4';

export interface ExecuteRequest {
  code: string;
  silent?: boolean;
  store_history?: boolean;
  user_expressions?: Record<string, string>;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
}

export interface CompleteRequest {
  code: string;
  cursor_pos: number;
}

export interface InspectRequest {
  code: string;
  cursor_pos: number;
  detail_level?: 0 | 1;
}

export interface IsCompleteRequest {
  code: string;
}

export interface HistoryRequest {
  output?: boolean;
  raw?: boolean;
  hist_access_type: 'range' | 'tail' | 'search';
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}

export interface ShutdownRequest {
  restart?: boolean;
}

export interface CommInfoRequest {
  target_name?: string;
}

export interface CommOpen {
  comm_id: string;
  target_name: string;
  data?: unknown;
}

export interface InputReply {
  value: string;
}

/** Request contents by msg_type: the handler table is keyed by these names. */
export interface RequestContents {
  kernel_info_request: Record<string, never>;
  execute_request: ExecuteRequest;
  complete_request: CompleteRequest;
  inspect_request: InspectRequest;
  is_complete_request: IsCompleteRequest;
  history_request: HistoryRequest;
  comm_info_request: CommInfoRequest;
  comm_open: CommOpen;
  comm_msg: { comm_id: string; data?: unknown };
  comm_close: { comm_id: string; data?: unknown };
  shutdown_request: ShutdownRequest;
  interrupt_request: Record<string, never>;
  /** A Debug Adapter Protocol request, on the control channel. */
  debug_request: DapRequest;
}

export type RequestType = keyof RequestContents;

export type Request<T extends RequestType = RequestType> = WireMessage<RequestContents[T]>;

/** Messages of these types get no reply (comms are one-way). */
export const NO_REPLY: ReadonlySet<string> = new Set(['comm_open', 'comm_msg', 'comm_close']);
