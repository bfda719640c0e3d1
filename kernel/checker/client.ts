/**
 * The kernel's side of the checker: completion, inspection, is_complete and
 * type checks, answered by a TypeScript language service in a process of its
 * own (checker-process.ts, worker.ts; every message between them is in
 * types.ts), so the compiler never blocks the kernel's event loop (heartbeat,
 * interrupts, other requests).
 *
 * The checker starts on the first request (or warmUp), keeps the kernel alive
 * only while a request is in flight, and is replaced by a fresh one (fed the
 * same cells) on the next request if it dies. It starts from the snapshot
 * (snapshot.ts) when there is a good one, and otherwise has one built for the
 * next time. Positions in requests and replies are Jupyter's: Unicode code points.
 */
import { CheckerProcess } from './checker-process.js';
import { SharedChecker } from './shared-checker.js';
import { buildSnapshotInBackground, defaultSnapshotFolder, sharedSocketPath, usableSnapshot } from './snapshot.js';
import type { Answers, AnsweredRequest, CellDiagnostic, CheckedCell, CompleteReply, InspectReply, IsCompleteReply, WorkerRequest, WorkerResponse } from './types.js';

export interface LanguageServiceOptions {
  /** Where imports in cells resolve from (its node_modules). Default: process.cwd(). */
  cwd?: string;
  /** A request not answered in this time restarts the worker. Default 30 s (the first request loads the compiler). */
  timeoutMs?: number;
  /**
   * Where the checker's start-up snapshot is kept and built (snapshot.ts);
   * `null`: never use or build one. Default: a folder of the user's in the temp folder.
   */
  snapshotDir?: string | null;
  /**
   * Whether to use the user's shared checker (shared-server.ts), whose socket
   * is in the snapshot's folder. Default true; false: a checker process of this
   * kernel's own. Without a folder of the user's, always false.
   */
  shared?: boolean;
  /** Whether to build the snapshot in the background when there is none. Default true. */
  buildSnapshot?: boolean;
}

/** A checker process of the kernel's own, or its connection to the user's shared one. */
type Checker = CheckerProcess | SharedChecker;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  /** What was asked, to ask again if a checker started from the snapshot could not start. */
  message: WorkerRequest;
}

/** The fields of a request of one kind, besides its kind and id. */
type Fields<K extends keyof Answers> = Omit<Extract<AnsweredRequest, { kind: K }>, 'id' | 'kind'>;

export class LanguageService {
  private readonly cwd: string;
  private readonly timeoutMs: number;
  /** Every cell that executed since the last reset, to feed a new worker. */
  private readonly cells: string[] = [];
  private worker: Checker | undefined;
  private readonly snapshotDir: string | undefined;
  /** The shared checker's socket; undefined once it could not be reached or started (a checker of our own then). */
  private socketPath: string | undefined;
  /** A checker started from the snapshot died before it answered: the snapshot is not used again. */
  private snapshotFailed = false;
  /** Whether this service started a background build of the snapshot (at most one), or was asked never to. */
  private building = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(options: LanguageServiceOptions = {}) {
    this.cwd = options.cwd ?? process.cwd();
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.snapshotDir = options.snapshotDir === null ? undefined : (options.snapshotDir ?? defaultSnapshotFolder());
    this.building = options.buildSnapshot === false;
    this.socketPath = this.snapshotDir !== undefined && options.shared !== false ? sharedSocketPath(this.snapshotDir) : undefined;
  }

  /** A cell that executed successfully: later completions see its declarations. */
  addCell(code: string): void {
    this.cells.push(code);
    this.worker?.postMessage({ kind: 'addCells', codes: [code] } satisfies WorkerRequest);
  }

  /** Kernel restart: forget every cell. */
  reset(): void {
    this.cells.length = 0;
    this.worker?.postMessage({ kind: 'reset' } satisfies WorkerRequest);
  }

  /** Optional: start the worker and load the compiler now, so the first completion is fast. */
  warmUp(): void {
    if (this.closed) return;
    try {
      this.ensureWorker().postMessage({ kind: 'warmUp' } satisfies WorkerRequest);
    } catch {
      // Not fatal: the first real request will try again and report the problem.
    }
  }

  complete(code: string, cursorPos: number): Promise<CompleteReply> {
    return this.request('complete', { code, cursorPos });
  }

  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<InspectReply> {
    return this.request('inspect', { code, cursorPos, detailLevel });
  }

  /** The cell's type errors against the cells run before it (empty when it checks). */
  check(code: string): Promise<CellDiagnostic[]> {
    return this.request('check', { code });
  }

  /** check(), and the cell transpiled for the executor when it has no type error. */
  checkAndCompile(code: string): Promise<CheckedCell> {
    return this.request('checkAndCompile', { code });
  }

  isComplete(code: string): Promise<IsCompleteReply> {
    return this.request('isComplete', { code });
  }

  /** Stops the worker; pending and later requests reject. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.rejectAll(new Error('The language service is closed.'));
    if (worker) await worker.terminate();
  }

  /** The running checker process: its pid, and whether it started from the snapshot (for tests and diagnostics). */
  get checker(): { pid: number | undefined; fromSnapshot: boolean; shared: boolean } | undefined {
    return this.worker && { pid: this.worker.pid, fromSnapshot: this.worker.fromSnapshot, shared: this.worker instanceof SharedChecker };
  }

  /** Test hook: makes the worker die of an uncaught exception, as a compiler bug would. */
  crashWorkerForTesting(): void {
    this.worker?.postMessage({ kind: 'crash' } satisfies WorkerRequest);
  }

  private request<K extends keyof Answers>(kind: K, fields: Fields<K>): Promise<Answers[K]> {
    if (this.closed) return Promise.reject(new Error('The language service is closed.'));
    let worker: Checker;
    try {
      worker = this.ensureWorker();
    } catch (error) {
      return Promise.reject(new Error(`The TypeScript language service worker could not start: ${String(error)}`));
    }
    const id = this.nextId++;
    return new Promise<Answers[K]>((resolve, reject) => {
      const message = { ...fields, kind, id } as WorkerRequest;
      // While an answer is owed, the worker keeps the process alive; idle, it must not.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject, timer: this.deadline(worker), message });
      worker.postMessage(message);
    });
  }

  private deadline(worker: Checker): NodeJS.Timeout {
    const timer = setTimeout(() => this.timedOut(worker), this.timeoutMs);
    timer.unref();
    return timer;
  }

  private ensureWorker(): Checker {
    if (this.worker) return this.worker;
    const data = { cwd: this.cwd, cells: [...this.cells] };
    const worker = this.socketPath
      ? new SharedChecker(data, { socketPath: this.socketPath, snapshot: () => this.snapshot(), snapshotFailed: () => void (this.snapshotFailed = true) })
      : new CheckerProcess(data, this.snapshot());
    worker.unref();
    worker.on('message', (response) => this.settle(worker, response));
    worker.on('exit', (code, fromSnapshot, answered) => {
      if (this.worker !== worker) return;
      // Node refuses a snapshot it cannot use (another build of Node or V8 flags, a damaged file) by exiting at once.
      if (fromSnapshot && !answered) return this.startAgain(() => void (this.snapshotFailed = true));
      // No shared checker could be reached or started (no /bin/sh, a socket refused): one of the kernel's own.
      if (code === -1 && worker instanceof SharedChecker) return this.startAgain(() => void (this.socketPath = undefined));
      this.lost(worker, code === 0 ? 'exited' : code === null ? 'crashed (killed, or the connection to it closed)' : `crashed (exit code ${code})`);
    });
    this.worker = worker;
    return worker;
  }

  /** The checker could not start as it was: after `change`, what it was asked goes to a new one. */
  private startAgain(change: () => void): void {
    change();
    this.worker = undefined;
    const worker = this.ensureWorker();
    worker.postMessage({ kind: 'warmUp' });
    if (this.pending.size > 0) worker.ref();
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.timer = this.deadline(worker);
      worker.postMessage(pending.message);
    }
  }

  /** The snapshot to start from; when there is none, one is built for the next start (at most once here). */
  private snapshot(): string | undefined {
    if (this.snapshotDir === undefined || this.snapshotFailed) return undefined;
    const blob = usableSnapshot(this.snapshotDir);
    if (blob === undefined && !this.building) {
      this.building = true;
      buildSnapshotInBackground(this.snapshotDir);
    }
    return blob;
  }

  private settle(worker: Checker, response: WorkerResponse): void {
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    clearTimeout(pending.timer);
    if (this.pending.size === 0) worker.unref();
    if (response.ok) pending.resolve(response.value);
    else pending.reject(new Error(`TypeScript language service: ${response.error}`));
  }

  /** The worker died: fail what it owed; the next request starts a new one. */
  private lost(worker: Checker, reason: string): void {
    if (this.worker !== worker) return; // already replaced, or closed on purpose
    this.worker = undefined;
    this.rejectAll(new Error(`The TypeScript language service worker ${reason}; it is restarted on the next request.`));
  }

  private timedOut(worker: Checker): void {
    if (this.worker !== worker) return;
    this.lost(worker, `did not answer within ${this.timeoutMs} ms and was stopped`);
    worker.kill();
  }

  private rejectAll(error: Error): void {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
  }
}
