/**
 * The contract between the kernel (client.ts) and the checker process
 * (serve.ts, worker.ts): every message that crosses between them, and the
 * answers they carry. The reply types are Jupyter 5.4's reply contents, with the
 * messaging spec's field names, so that the kernel sends them as they come.
 *
 * Declared as `type`, not `interface`: a type alias of an object type is
 * assignable to `Record<string, unknown>` (protocol's reply content), an
 * interface is not. This file imports only types of the transpiler's, which import nothing of the checker's.
 */
import type { CompiledCell } from '../transpile/transpiled.js';


// ------------------------------------------------------------ Jupyter 5.4 reply contents

/** One entry of `metadata._jupyter_types_experimental`, aligned with `matches`. */
export type CompletionItemType = {
  start: number;
  end: number;
  text: string;
  /** JupyterLab's icon kinds: function, class, module, keyword, instance, property, param, path. */
  type: string;
  signature: string;
};

/** complete_reply: positions are Unicode code points, as everywhere in Jupyter. */
export type CompleteReply = {
  status: 'ok';
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: { _jupyter_types_experimental: CompletionItemType[] };
};

/** inspect_reply. */
export type InspectReply = {
  status: 'ok';
  found: boolean;
  /** Empty when nothing was found. */
  data: { 'text/plain'?: string; 'text/markdown'?: string };
  metadata: Record<string, unknown>;
};

/** is_complete_reply: `indent` only when more lines are wanted. */
export type IsCompleteReply =
  | { status: 'complete' | 'invalid' | 'unknown' }
  | { status: 'incomplete'; indent: string };

// ------------------------------------------------------------ type errors

/** One type error of the cell about to run (kernel/protocol/type-errors.ts prints them). */
export type CellDiagnostic = {
  /** 1-based line and column in the cell, as an editor shows them. */
  line: number;
  column: number;
  /** TypeScript's error number, e.g. 2322. */
  code: number;
  message: string;
  /** The cell's line the error is on, for the traceback. */
  lineText: string;
};

/** A cell checked, and transpiled for the executor when it has no type error (the executor then never loads the compiler for it). */
export type CheckedCell = {
  diagnostics: CellDiagnostic[];
  compiled?: CompiledCell;
};

// ------------------------------------------------------------ messages between the kernel and the checker

/** What each kind of request is answered with. */
export type Answers = {
  complete: CompleteReply;
  inspect: InspectReply;
  isComplete: IsCompleteReply;
  check: CellDiagnostic[];
  checkAndCompile: CheckedCell;
};

/** Kernel -> checker. Those with an `id` are answered, the rest are not. */
export type WorkerRequest =
  | { id: number; kind: 'complete'; code: string; cursorPos: number }
  | { id: number; kind: 'inspect'; code: string; cursorPos: number; detailLevel: 0 | 1 }
  | { id: number; kind: 'isComplete'; code: string }
  | { id: number; kind: 'check'; code: string }
  | { id: number; kind: 'checkAndCompile'; code: string }
  | { kind: 'addCells'; codes: string[] }
  | { kind: 'reset' }
  | { kind: 'warmUp' }
  | { kind: 'crash' };

/** The requests that are answered. */
export type AnsweredRequest = Extract<WorkerRequest, { id: number }>;

/** Checker -> kernel: the answer to the request with the same id, or why there is none. */
export type WorkerResponse =
  | { id: number; ok: true; value: Answers[keyof Answers] }
  | { id: number; ok: false; error: string };

/** What the checker starts with: where imports resolve from, and the cells executed so far. */
export type WorkerData = {
  cwd: string;
  cells: string[];
};

/** Kernel -> checker process: the first message is `start`, then requests. */
export type ToChecker = { kind: 'start'; data: WorkerData } | WorkerRequest;

/** The environment variable that makes a checker process the user's shared one (shared-server.ts), and where it listens. */
export const SOCKET_ENV = 'LOOM_CHECKER_SOCKET';
