/**
 * Jupyter messaging protocol 5.4: what Loom publishes on iopub, as data. Each
 * message type maps to its content, with the spec's field names; IOPub.publish
 * takes only these types, each with its own content.
 */
import type { DapEvent } from '../debugger/dap.js';
import type { ErrorContent, MimeBundle } from '../jupyter/output.js';

export type ExecutionState = 'starting' | 'busy' | 'idle';

export type StreamName = 'stdout' | 'stderr';

export type DisplayDataContent = {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  /** display_id lets a later update_display_data replace this output. */
  transient: { display_id?: string };
};

/** iopub contents by msg_type. */
export interface IOPubContents {
  status: { execution_state: ExecutionState };
  execute_input: { code: string; execution_count: number };
  stream: { name: StreamName; text: string };
  display_data: DisplayDataContent;
  update_display_data: DisplayDataContent;
  execute_result: { execution_count: number; data: MimeBundle; metadata: Record<string, unknown> };
  error: ErrorContent;
  clear_output: { wait: boolean };
  comm_open: { comm_id: string; target_name: string; data: Record<string, unknown> };
  comm_msg: { comm_id: string; data: Record<string, unknown> };
  comm_close: { comm_id: string; data: Record<string, unknown> };
  /** A DAP event (stopped, continued...) from the debugger. */
  debug_event: DapEvent;
}

export type IOPubType = keyof IOPubContents;
