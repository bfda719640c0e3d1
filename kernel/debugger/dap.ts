/**
 * The Debug Adapter Protocol messages that travel in Jupyter's debug_request,
 * debug_reply and debug_event, as data. Only the fields Loom reads or writes.
 */
export interface DapRequest {
  type: 'request';
  seq: number;
  command: string;
  arguments?: Record<string, any>;
}

export interface DapResponse {
  type: 'response';
  seq: number;
  request_seq: number;
  command: string;
  success: boolean;
  message?: string;
  body?: Record<string, unknown>;
}

export interface DapEvent {
  type: 'event';
  seq: number;
  event: string;
  body: Record<string, unknown>;
}

export interface DapVariable {
  name: string;
  value: string;
  type?: string;
  variablesReference: number;
  evaluateName?: string;
}

export interface DapStackFrame {
  id: number;
  name: string;
  line: number;
  column: number;
  source?: { path: string; name?: string };
}

/** The one thread Loom debugs so far: the executor's main thread, where cells run. */
export const MAIN_THREAD = 1;

let seq = 0;

export function nextSeq(): number {
  seq += 1;
  return seq;
}

export function success(request: DapRequest, body: Record<string, unknown> = {}): DapResponse {
  return { type: 'response', seq: nextSeq(), request_seq: request.seq, command: request.command, success: true, body };
}

export function failure(request: DapRequest, message: string): DapResponse {
  return { type: 'response', seq: nextSeq(), request_seq: request.seq, command: request.command, success: false, message, body: {} };
}

export function event(name: string, body: Record<string, unknown>): DapEvent {
  return { type: 'event', seq: nextSeq(), event: name, body };
}
