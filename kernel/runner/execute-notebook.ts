/**
 * Runs one notebook's code cells in order in a fresh Loom kernel, the way
 * Jupyter's nbclient does: stop at the first cell that fails (unless it is
 * tagged `raises-exception`), skip empty cells and cells tagged
 * `skip-execution`, give each cell a time limit, and answer input() prompts
 * (from the answers file, the cell's `loom.answer` metadata, or the default).
 * The kernel is always shut down, also when a cell fails, times out or the
 * run is aborted.
 */
import { KernelClient, type Message } from '../client/client.js';
import { cellTags, joinText, type CodeCell, type Notebook } from '../jupyter/nbformat.js';
import { cellAnswer, type Answerer } from './answers.js';
import { OutputCollector } from './collect-outputs.js';

export type CellStatus = 'ok' | 'failed' | 'timed out' | 'skipped' | 'interrupted' | 'kernel died';

export interface CellProgress {
  /** 1-based among the notebook's code cells. */
  number: number;
  of: number;
  status: CellStatus;
  seconds: number;
}

export interface CellFailure {
  /** 1-based among the notebook's code cells, as in the progress lines. */
  number: number;
  of: number;
  status: Exclude<CellStatus, 'ok' | 'skipped'>;
  /** One line: `RangeError: too far`, or what went wrong around the cell. */
  message: string;
  traceback: string[];
}

export interface NotebookRun {
  /** A copy of the notebook with outputs and execution counts. */
  notebook: Notebook;
  failure?: CellFailure;
  seconds: number;
}

export interface ExecuteOptions {
  /** The kernel's working directory: the notebook's folder, as in Jupyter. */
  cwd: string;
  answer: Answerer;
  timeoutMs: number;
  onProgress?: (progress: CellProgress) => void;
  /** Stops the run; the running cell counts as interrupted. */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

type Ending = { kind: 'reply'; reply: Message } | { kind: 'timeout' } | { kind: 'exit'; how: string } | { kind: 'abort' };

export async function executeNotebook(source: Notebook, options: ExecuteOptions): Promise<NotebookRun> {
  const started = performance.now();
  const notebook = structuredClone(source);
  const cells = notebook.cells.filter((cell): cell is CodeCell => cell.cell_type === 'code');
  for (const cell of cells) {
    // Cells that do not run show no stale outputs, except those Jupyter also leaves alone.
    if (!cellTags(cell).includes('skip-execution')) Object.assign(cell, { outputs: [], execution_count: null });
  }
  const client = await KernelClient.start({ cwd: options.cwd, env: options.env, stderr: 'inherit' });
  try {
    const info = await client.request('shell', 'kernel_info_request');
    notebook.metadata.language_info = info.content.language_info;
    const failure = await runCells(client, cells, options);
    return { notebook, failure, seconds: elapsed(started) };
  } finally {
    await client.close();
  }
}

async function runCells(client: KernelClient, cells: CodeCell[], options: ExecuteOptions): Promise<CellFailure | undefined> {
  const collector = new OutputCollector();
  const cellOfRequest = new Map<string, CodeCell>();
  // Every iopub message is read from the client's ordered log, so output that a
  // cell's threads print after the cell finished still lands in that cell.
  let read = 0;
  const collect = () => {
    for (; read < client.allIopub.length; read++) {
      const message = client.allIopub[read];
      const cell = cellOfRequest.get(message.parent_header.msg_id ?? '');
      if (cell) collector.add(cell, message);
    }
  };
  const exited = kernelExit(client);
  const aborted = abortion(options.signal);
  try {
    for (const [index, cell] of cells.entries()) {
      const number = index + 1;
      const report = (status: CellStatus, seconds: number) => options.onProgress?.({ number, of: cells.length, status, seconds });
      const code = joinText(cell.source);
      if (cellTags(cell).includes('skip-execution')) {
        report('skipped', 0);
        continue;
      }
      if (code.trim() === '') continue; // Jupyter does not send empty cells either
      const expectsError = cellTags(cell).includes('raises-exception');
      const started = performance.now();
      collector.startCell(cell);
      const execution = client.execute(code, {
        stopOnError: !expectsError,
        // The client's own limit only backs up ours, which comes first.
        timeoutMs: Math.min(options.timeoutMs + 60_000, 2 ** 31 - 1),
        onOutput: (message) => cellOfRequest.set(message.parent_header.msg_id ?? '', cell),
        onInput: (prompt, password) => {
          const answer = options.answer(prompt, cellAnswer(cell));
          collect();
          collector.addInput(cell, prompt, answer, password);
          return answer;
        },
      });
      const ending = await endOf(execution, options.timeoutMs, exited, aborted);
      collect();
      const seconds = elapsed(started);
      const failure = failureOf(ending, expectsError, number, cells.length, options.timeoutMs);
      if (ending.kind === 'reply') cell.execution_count = ending.reply.content.execution_count ?? null;
      report(failure?.status ?? 'ok', seconds);
      if (failure) return failure;
    }
    return undefined;
  } finally {
    collect();
    aborted.dispose();
  }
}

/** Whichever comes first: the cell's reply, its time limit, the kernel's death, an abort. */
async function endOf(execution: Promise<{ reply: Message }>, timeoutMs: number, exited: Promise<string>, aborted: { promise: Promise<void> }): Promise<Ending> {
  execution.catch(() => undefined); // after a timeout the client rejects it when it closes
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Ending>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
  });
  try {
    return await Promise.race([
      execution.then(({ reply }): Ending => ({ kind: 'reply', reply })),
      timeout,
      exited.then((how): Ending => ({ kind: 'exit', how })),
      aborted.promise.then((): Ending => ({ kind: 'abort' })),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function failureOf(ending: Ending, expectsError: boolean, number: number, of: number, timeoutMs: number): CellFailure | undefined {
  const base = { number, of, traceback: [] as string[] };
  switch (ending.kind) {
    case 'timeout':
      return { ...base, status: 'timed out', message: `did not finish within ${timeoutMs / 1000} s (raise the limit with --timeout SECONDS)` };
    case 'exit':
      return { ...base, status: 'kernel died', message: `the kernel process ${ending.how}` };
    case 'abort':
      return { ...base, status: 'interrupted', message: 'the run was interrupted' };
    case 'reply': {
      const { content } = ending.reply;
      if (content.status === 'ok' || (content.status === 'error' && expectsError)) return undefined;
      if (content.status === 'error') {
        const traceback = Array.isArray(content.traceback) ? content.traceback.map(String) : [];
        return { ...base, status: 'failed', message: `${content.ename}: ${content.evalue}`, traceback };
      }
      return { ...base, status: 'failed', message: `the kernel answered ${JSON.stringify(content.status)}` };
    }
  }
}

/** Resolves with how the kernel process ended, if it ends on its own. */
function kernelExit(client: KernelClient): Promise<string> {
  return new Promise((resolve) => {
    client.process?.once('exit', (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`));
  });
}

function abortion(signal: AbortSignal | undefined): { promise: Promise<void>; dispose: () => void } {
  let onAbort = () => {};
  const promise = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    if (signal?.aborted) resolve();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal?.removeEventListener('abort', onAbort) };
}

function elapsed(since: number): number {
  return (performance.now() - since) / 1000;
}
