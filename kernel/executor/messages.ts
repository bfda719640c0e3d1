/**
 * The contract between the kernel process and the executor process.
 *
 * The executor is the only process that runs user code. It is started by the
 * kernel (kernel/executor/supervisor.ts) with the file descriptors of loom's
 * fd table (loom/host), the same numbers loom's own child processes use:
 *
 *   fd 0  a pipe the kernel never writes (the executor's stdin).
 *   fd 1  raw stdout, fd 2 raw stderr: anything that bypasses our console
 *         (native code, a crash message). The kernel forwards it to the cell
 *         that is running, or to its own log.
 *   fd 3  CONTROL_FD, Node IPC: kernel -> executor commands (`ToExecutor`).
 *   fd 4  LIFELINE_FD: the kernel never writes to it; EOF means the kernel
 *         died, and a watchdog thread in the executor then kills the executor.
 *   fd 5  FRAMES_FD: executor -> kernel frames (`FromExecutor`), one JSON
 *         object per line, written with fs.writeSync so any thread can write
 *         while the main thread is busy, and so output and the end of a cell
 *         stay in order.
 *   fd 6  INPUT_FD: kernel -> executor input replies (`InputReply`), one JSON
 *         object per line, read synchronously by the thread that asked.
 *   fd 7  DEBUG_FD: a two-way socket between the kernel's debugger and the
 *         executor's debug relay thread (runtime/debug-relay.ts): Chrome
 *         DevTools Protocol as JSON lines. Unused until a client turns the
 *         debugger on. Not in loom's fd table: only the executor has it.
 */
import type { ErrorContent, MimeBundle, StreamName } from '../jupyter/output.js';
import type { CompiledCell } from '../transpile/transpiled.js';

export { CONTROL_FD, LIFELINE_FD, FRAMES_FD, INPUT_FD } from '../../src/host/index.js';

export const DEBUG_FD = 7;
/** Symbol.for() key of the helpers the debugger calls on the executor's main thread (runtime/debug-start.ts). */
export const DEBUG_HELPERS = 'loom.debugger.helpers';
/**
 * Threads of the executor whose names start so are its own machinery, never a
 * thread the debugger shows (loom's threads are named `loom hub`, `loom lifeline`...).
 */
export const MACHINERY_THREAD_PREFIX = 'loom ';
export const RELAY_NAME = 'loom debug relay';

// ---------------------------------------------------------------- kernel -> executor (IPC)

export interface ExecuteCommand {
  type: 'execute';
  /** msg_id of the execute_request; every frame the cell produces carries it. */
  parent: string;
  code: string;
  executionCount: number;
  silent: boolean;
  /** Expressions to evaluate after the cell, as in execute_request. */
  userExpressions: Record<string, string>;
  allowStdin: boolean;
  /** The cell transpiled by the type checker; without it the executor transpiles the cell itself. */
  compiled?: CompiledCell;
}

export interface ShutdownCommand {
  type: 'shutdown';
}

/** A debugger client attached: start the debug relay on DEBUG_FD (once). */
export interface DebugStartCommand {
  type: 'debug_start';
}

export type ToExecutor = ExecuteCommand | ShutdownCommand | DebugStartCommand;

// ---------------------------------------------------------------- executor -> kernel (fd 5)

/** Sent once when the executor can take commands. */
export interface ReadyFrame {
  type: 'ready';
  pid: number;
}

export interface StreamFrame {
  type: 'stream';
  parent: string;
  name: StreamName;
  text: string;
}

/** display_data, or update_display_data when `update` is true. */
export interface DisplayFrame {
  type: 'display';
  parent: string;
  data: MimeBundle;
  metadata: Record<string, unknown>;
  displayId?: string;
  update: boolean;
}

export interface ClearFrame {
  type: 'clear';
  parent: string;
  wait: boolean;
}

/** Asks the frontend for a line; the answer comes back on fd 6. */
export interface InputRequestFrame {
  type: 'input_request';
  parent: string;
  prompt: string;
  password: boolean;
}

/** The value of the cell's last expression (execute_result). */
export interface ResultFrame {
  type: 'result';
  parent: string;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/** An error that belongs to a cell but happened after it ended (timer, rejection). */
export interface LateErrorFrame {
  type: 'late_error';
  parent: string;
  error: ErrorContent;
}

/** With status 'error', the ErrorContent fields are set; with 'ok', data and metadata. */
export interface UserExpressionResult extends Partial<ErrorContent> {
  status: 'ok' | 'error';
  data?: MimeBundle;
  metadata?: Record<string, unknown>;
}

/** The cell has finished. Always the last frame for a cell. */
export interface DoneFrame {
  type: 'done';
  parent: string;
  status: 'ok' | 'error';
  error?: ErrorContent;
  userExpressions: Record<string, UserExpressionResult>;
  /** Set by the kernel's supervisor when the executor was replaced: every variable is gone. */
  stateLost?: boolean;
  /** Set by the kernel's supervisor when the cell was interrupted before the executor got it. */
  notRun?: boolean;
}

export type FromExecutor =
  | ReadyFrame
  | StreamFrame
  | DisplayFrame
  | ClearFrame
  | InputRequestFrame
  | ResultFrame
  | LateErrorFrame
  | DoneFrame;

// ---------------------------------------------------------------- kernel -> executor (fd 6)

export type InputReply =
  | { type: 'input_reply'; value: string }
  /** The cell was interrupted while waiting: input() throws KeyboardInterrupt. */
  | { type: 'input_interrupted' }
  /** The request had allow_stdin false: input() throws StdinNotImplementedError. */
  | { type: 'input_unavailable' };
