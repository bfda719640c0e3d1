/**
 * What request handlers may use: the kernel's state and services, each as the
 * small interface the protocol needs, no sockets. The protocol's own IOPub,
 * History and Cells implement these; the executor's Supervisor and the
 * LanguageService match them structurally (they do not import the protocol,
 * which sits above them), checked where kernel.ts builds the context. Tests
 * pass scripted ones (test/helpers/protocol-harness.ts).
 */
import type { DoneFrame, ExecuteCommand, InputReply } from '../executor/messages.js';
import type { CellDiagnostic, CheckedCell } from '../checker/types.js';
import type { DapRequest, DapResponse } from '../debugger/dap.js';
import type { WireMessage } from '../wire/codec.js';
import type { Identity, Parent } from './builder.js';
import type { IOPubContents, IOPubType, ExecutionState, StreamName } from './iopub-contents.js';
import type { HistoryRequest } from './messages.js';
import type { CompleteReply, HistoryEntry, InspectReply, IsCompleteReply } from './replies.js';

/** The process that runs cells (kernel/executor/supervisor.ts). */
export interface Executor {
  /** How many interrupts were asked for so far: a cell compares it before and after it waits. */
  readonly interrupts: number;
  /** How many input() calls wait for a reply. */
  readonly inputsWaiting: number;
  /** Runs a cell; an interrupt since `interruptsBefore` means it does not run. */
  execute(command: Omit<ExecuteCommand, 'type'>, interruptsBefore: number): Promise<DoneFrame>;
  interrupt(): void;
  /** Counts an input() that waits for its one reply. */
  inputRequested(): void;
  sendInput(reply: InputReply): void;
}

/** The language service (the type checker thread): answers in Jupyter's terms. */
export interface Language {
  complete(code: string, cursorPos: number): Promise<CompleteReply>;
  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<InspectReply>;
  isComplete(code: string): Promise<IsCompleteReply>;
  check(code: string): Promise<CellDiagnostic[]>;
  /** The cell checked and, when it has no type error, transpiled for the executor (kernel/transpile/transpiled.ts). */
  checkAndCompile(code: string): Promise<CheckedCell>;
  /** A cell ran: later cells may use what it declared. */
  addCell(code: string): void;
  /** The executor lost every variable: forget every cell. */
  reset(): void;
}

/** The debugger (kernel/debugger/): JupyterLab's debug requests, and what cells and interrupts tell it. */
export interface DebugService {
  handle(request: DapRequest): Promise<DapResponse>;
  /** A cell is about to run (its script gets its breakpoints by its hash). */
  beforeCell(code: string): Promise<void>;
  /** An interrupt is coming: a cell stopped at a breakpoint must go on, to be interrupted. */
  beforeInterrupt(): Promise<void>;
}

/** The iopub channel (iopub.ts). */
export interface IOPubChannel {
  publish<T extends IOPubType>(parent: Parent | undefined, msgType: T, content: IOPubContents[T], metadata?: Record<string, unknown>): void;
  status(parent: Parent | undefined, state: ExecutionState): void;
  stream(parent: Parent, name: StreamName, text: string): void;
  /** Sends buffered stream text now. */
  flush(): void;
}

/** Cells executed with store_history (history.ts). */
export interface HistoryStore {
  add(executionCount: number, source: string): void;
  setOutput(executionCount: number, output: string): void;
  query(request: HistoryRequest): HistoryEntry[];
}

export interface CellRecord {
  request: WireMessage<object>;
  executionCount: number;
  allowStdin: boolean;
  /** silent cells broadcast nothing on iopub (protocol: execute_request.silent). */
  silent: boolean;
}

/** Every execute_request by msg_id, to parent later output (cells.ts). */
export interface CellStore {
  add(record: CellRecord): void;
  get(msgId: string): CellRecord | undefined;
  /** The newest cell: only for text that no cell can be named for. */
  last(): CellRecord | undefined;
}

export interface KernelContext {
  readonly identity: Identity;
  readonly iopub: IOPubChannel;
  readonly executor: Executor;
  readonly language: Language;
  readonly debugger: DebugService;
  readonly history: HistoryStore;
  readonly cells: CellStore;
  /** The number of the last cell executed with store_history. */
  executionCount: number;
  /** Sends a message on the stdin channel (input requests). */
  sendStdin(message: WireMessage<object>): void;
  /** Exits after the current reply has been sent. */
  shutdown(restart: boolean): void;
}
