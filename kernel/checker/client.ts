/**
 * The kernel's side of the checker thread: completion, inspection, is_complete
 * and type checks, answered by a TypeScript language service in a worker
 * thread (worker.ts; every message between them is in types.ts), so the
 * compiler never blocks the kernel's event loop (heartbeat, interrupts, other requests).
 *
 * The worker starts on the first request, keeps the process alive only while
 * a request is in flight, and is replaced by a fresh one (fed the same cells)
 * on the next request if it dies. Positions in requests and replies are
 * Jupyter's: Unicode code points.
 */
import { Worker } from 'node:worker_threads';
import { extname, join } from 'node:path';
import type { Answers, AnsweredRequest, CellDiagnostic, CompleteReply, InspectReply, IsCompleteReply, WorkerData, WorkerRequest, WorkerResponse } from './types.js';

export interface LanguageServiceOptions {
  /** Where imports in cells resolve from (its node_modules). Default: process.cwd(). */
  cwd?: string;
  /** A request not answered in this time restarts the worker. Default 30 s (the first request loads the compiler). */
  timeoutMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** The fields of a request of one kind, besides its kind and id. */
type Fields<K extends keyof Answers> = Omit<Extract<AnsweredRequest, { kind: K }>, 'id' | 'kind'>;

// The worker is compiled next to this file; keep the extension so it also works when run from sources.
const WORKER_FILE = join(__dirname, `worker${extname(__filename)}`);

export class LanguageService {
  private readonly cwd: string;
  private readonly timeoutMs: number;
  /** Every cell that executed since the last reset, to feed a new worker. */
  private readonly cells: string[] = [];
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(options: LanguageServiceOptions = {}) {
    this.cwd = options.cwd ?? process.cwd();
    this.timeoutMs = options.timeoutMs ?? 30_000;
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

  /** Test hook: makes the worker die of an uncaught exception, as a compiler bug would. */
  crashWorkerForTesting(): void {
    this.worker?.postMessage({ kind: 'crash' } satisfies WorkerRequest);
  }

  private request<K extends keyof Answers>(kind: K, fields: Fields<K>): Promise<Answers[K]> {
    if (this.closed) return Promise.reject(new Error('The language service is closed.'));
    let worker: Worker;
    try {
      worker = this.ensureWorker();
    } catch (error) {
      return Promise.reject(new Error(`The TypeScript language service worker could not start: ${String(error)}`));
    }
    const id = this.nextId++;
    return new Promise<Answers[K]>((resolve, reject) => {
      const timer = setTimeout(() => this.timedOut(worker), this.timeoutMs);
      timer.unref();
      // While an answer is owed, the worker keeps the process alive; idle, it must not.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ ...fields, kind, id } as WorkerRequest);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_FILE, {
      workerData: { cwd: this.cwd, cells: [...this.cells] } satisfies WorkerData,
      // A runaway compiler should crash the worker (and be replaced), not the kernel. The limit
      // also sets how lazily V8 collects: every check makes a new program, and with 2 GiB allowed the
      // old ones piled up, the kernel's RSS doubling over a 2,500-cell soak (npm run soak) with no
      // leak behind it; at 512 MiB it stays flat. The compiler with lib and @types/node needs ~150.
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    worker.unref();
    worker.on('message', (response: WorkerResponse) => this.settle(worker, response));
    worker.on('error', (error) => this.lost(worker, `crashed (${error.message})`));
    worker.on('exit', (code) => this.lost(worker, `exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private settle(worker: Worker, response: WorkerResponse): void {
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    clearTimeout(pending.timer);
    if (this.pending.size === 0) worker.unref();
    if (response.ok) pending.resolve(response.value);
    else pending.reject(new Error(`TypeScript language service: ${response.error}`));
  }

  /** The worker died: fail what it owed; the next request starts a new one. */
  private lost(worker: Worker, reason: string): void {
    if (this.worker !== worker) return; // already replaced, or closed on purpose
    this.worker = undefined;
    this.rejectAll(new Error(`The TypeScript language service worker ${reason}; it is restarted on the next request.`));
  }

  private timedOut(worker: Worker): void {
    if (this.worker !== worker) return;
    this.lost(worker, `did not answer within ${this.timeoutMs} ms and was stopped`);
    void worker.terminate();
  }

  private rejectAll(error: Error): void {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
  }
}
