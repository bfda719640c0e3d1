/**
 * Loom's debug adapter: the Jupyter debug protocol (DAP in debug_request,
 * debug_reply, debug_event) on one side, V8's inspector on the executor's
 * threads (CDP, through the executor's debug relay) on the other.
 *
 * Cells are named as JupyterLab names them (cell-sources.ts) and every
 * location goes through the cell's source map both ways, so breakpoints, the
 * stack and steps are in cell lines, while V8 runs the transpiled script. The
 * main thread, where cells run, is DAP thread 1; the workers cells start
 * (worker-threads.ts) are threads 2, 3... The commands themselves are in
 * commands.ts; this file holds the session: the link to the executor,
 * breakpoints, and what a pause looks like.
 */
import type { Duplex } from 'node:stream';
import { CdpClient } from './cdp.js';
import { CellSources, type CellSource } from './cell-sources.js';
import { event, MAIN_THREAD, type DapEvent } from './dap.js';
import { DebugThread, revivedLinesOf, revivedPlace, type CdpCallFrame, type Pause } from './debug-thread.js';
import { Handles } from './handles.js';
import { insideTryWithCatch } from './try-blocks.js';
import type { CellNaming } from './debug-info.js';
import { WorkerThreads } from './worker-threads.js';

export type { CdpCallFrame, Pause } from './debug-thread.js';

/** The executor, as the debugger needs it (kernel/executor/supervisor.ts). */
export interface DebugTarget {
  /** Starts the executor's debug relay and returns its socket. */
  debugChannel(): Promise<Duplex>;
  /** A new executor replaced the old one. */
  on(event: 'ready', listener: () => void): unknown;
}

export interface DebuggerOptions {
  target: DebugTarget;
  /** Sends a DAP event to the clients (iopub debug_event). */
  publish(event: DapEvent): void;
  /** The cells that ran before the debugger started: their scripts are already in V8. */
  pastCells(): Iterable<string>;
  /** Folders whose code is Loom's machinery, never stepped into (its dist/ and packages). */
  libraryFolders: string[];
  /** loom/host's entry file, as a worker requires it (for the cell lines of code shipped there). */
  hostModule: string;
  /** A global the debugger made (copyToGlobals): later cells' type check must know the name. */
  declareGlobal(name: string): void;
  /** How cells are named as files, when told before the debugger was made (on-demand.ts). */
  naming?: CellNaming;
}

interface SourceBreakpoint {
  line: number;
  condition?: string;
}

/** A frame of a stopped thread, by its DAP frame id. */
export interface Frame {
  thread: DebugThread;
  frame: CdpCallFrame;
}

/** setTimeout's longest delay (about 24 days). */
const UNTIL_THE_CELL_ENDS_MS = 2 ** 31 - 1;
/** How many automatic steps may skip a cell's wrapper code before a stop is shown anyway. */
const AUTO_STEP_LIMIT = 20;

export class CellDebugger {
  readonly cells: CellSources;
  readonly handles = new Handles();
  started = false;
  /** Frame ids of every stopped thread -> their CDP call frames. */
  readonly frames = new Map<number, Frame>();
  /** DAP breakpoints as the client set them, by source path. */
  readonly breakpoints = new Map<string, SourceBreakpoint[]>();
  /** The client's choice; "uncaught" is V8's "all", filtered here (onPaused). */
  pauseOnExceptions: 'none' | 'uncaught' | 'all' = 'none';
  private link: Promise<CdpClient> | undefined;
  private client: CdpClient | undefined;
  private main: DebugThread | undefined;
  private readonly workers: WorkerThreads;
  /** Execution count -> hash of the script that count ran (`cell-3`): code shipped to workers names cells by count. */
  private readonly countHashes = new Map<number, string>();
  private nextFrameId = 1;
  private breakpointTurn: Promise<void> = Promise.resolve();
  /** Resolved at the main thread's next stop a client is told of (nextMainStop). */
  private mainStopWaiters: (() => void)[] = [];
  private skippingPauses = false;
  /** Scripts never stepped into: Node's, packages', Loom's own (V8's blackbox patterns), made once. */
  private readonly libraryPatterns: string[];
  private readonly libraryRegExps: RegExp[];

  constructor(private readonly options: DebuggerOptions) {
    this.cells = new CellSources(options.naming);
    this.libraryPatterns = ['^node:', '/node_modules/', ...options.libraryFolders.map((folder) => escapeRegExp(folder))];
    this.libraryRegExps = this.libraryPatterns.map((pattern) => new RegExp(pattern));
    this.workers = new WorkerThreads({
      setUp: (thread) => this.setUpThread(thread),
      onEvent: (thread, method, params) => this.onEvent(thread, method, params),
      onEnded: (thread) => this.threadEnded(thread),
      publish: options.publish,
    });
    // A new executor (the old one's relay socket closed): with the debugger on, its relay
    // starts at once, with every breakpoint set again.
    options.target.on('ready', () => {
      if (this.started && !this.link) void this.cdp().catch(() => undefined);
    });
  }

  /** The inspector session on the executor's main thread, opened on first use. */
  cdp(): Promise<CdpClient> {
    if (this.link) return this.link;
    const link = this.connect();
    this.link = link;
    link.catch(() => {
      if (this.link === link) this.link = undefined;
    });
    return link;
  }

  /** Every thread the client can see, the main thread first. */
  threads(): DebugThread[] {
    return [...(this.main ? [this.main] : []), ...this.workers.all()];
  }

  thread(id: unknown): DebugThread | undefined {
    return this.threads().find((thread) => thread.id === id);
  }

  stoppedThreads(): number[] {
    return this.threads().filter((thread) => thread.paused).map((thread) => thread.id);
  }

  /** initialize/attach: the cells that already ran are named, the executor's relay started. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const code of this.options.pastCells()) this.cells.add(code);
    void this.cdp().catch(() => undefined);
  }

  /** DAP's initialized event: the adapter is ready for setBreakpoints and the other configuration requests. */
  announceInitialized(): void {
    this.options.publish(event('initialized', {}));
  }

  /** The main thread's frames when it is stopped (cells' globals are read there: V8 runs no Runtime.evaluate while paused). */
  mainFrameIds(): number[] {
    return [...this.frames].filter(([, frame]) => frame.thread.id === MAIN_THREAD).map(([id]) => id);
  }

  /** Resolves when the main thread next stops (with its frames set). */
  nextMainStop(): Promise<void> {
    return new Promise((resolve) => this.mainStopWaiters.push(resolve));
  }

  /** disconnect: every breakpoint goes, stopped threads go on. */
  async stop(): Promise<void> {
    this.started = false;
    this.breakpoints.clear();
    this.pauseOnExceptions = 'none';
    const link = this.link;
    this.link = undefined;
    this.forgetThreads();
    if (link) {
      await link.then(async (cdp) => {
        await cdp.send('NodeWorker.disable').catch(() => undefined);
        await cdp.send('Debugger.disable');
      }).catch(() => undefined);
    }
  }

  /** A cell is about to run: its script must be known by its hash, and pauses work again after an interrupt. */
  async beforeCell(code: string): Promise<void> {
    if (!this.started) return;
    this.cells.add(code);
    // Connected, with the breakpoints set, before the cell's script exists.
    const cdp = await this.cdp().catch(() => undefined);
    if (!cdp || !this.skippingPauses) return;
    this.skippingPauses = false;
    for (const thread of this.threads()) await thread.cdp.send('Debugger.setSkipAllPauses', { skip: false }).catch(() => undefined);
  }

  /** An interrupt is coming: stopped threads must go on, to be interrupted, not stop at their next breakpoint. */
  async beforeInterrupt(): Promise<void> {
    const stopped = this.threads().filter((thread) => thread.paused);
    if (stopped.length === 0) return;
    this.skippingPauses = true;
    for (const thread of stopped) {
      await thread.cdp.send('Debugger.setSkipAllPauses', { skip: true }).catch(() => undefined);
      await thread.cdp.send('Debugger.resume').catch(() => undefined);
    }
  }

  /** setBreakpoints: replaces the breakpoints of one cell; answers where each one is. */
  async setBreakpoints(path: string, requested: SourceBreakpoint[]): Promise<{ verified: boolean; line: number; source: { path: string } }[]> {
    this.breakpoints.set(path, requested);
    const cell = this.cells.byPathName(path);
    const placed = requested.map((bp) => ({ ...bp, place: cell ? placeOf(cell, bp.line) : undefined }));
    if (this.link) {
      await this.link;
      for (const thread of this.threads()) await this.applyBreakpoints(thread, path);
    }
    return placed.map((bp) => ({ verified: bp.place !== undefined, line: bp.place?.cellLine ?? bp.line, source: { path } }));
  }

  async setExceptionBreakpoints(filters: string[]): Promise<void> {
    this.pauseOnExceptions = filters.includes('raised') ? 'all' : filters.includes('uncaught') ? 'uncaught' : 'none';
    if (!this.link) return;
    await this.link;
    for (const thread of this.threads()) await thread.cdp.send('Debugger.setPauseOnExceptions', { state: this.v8PauseState() }).catch(() => undefined);
  }

  /** continue, next, stepIn, stepOut, pause, on one thread (the main thread when none is named). */
  async resume(command: 'continue' | 'next' | 'stepIn' | 'stepOut' | 'pause', threadId: unknown): Promise<void> {
    await this.cdp();
    const thread = this.thread(threadId) ?? this.main!;
    if (command === 'pause') {
      thread.pauseAsked = true;
      await thread.cdp.send('Debugger.pause');
      return;
    }
    thread.stepping = command === 'continue' ? undefined : { command, autoSteps: 0 };
    await thread.cdp.send(CDP_STEP[command]);
  }

  /** Where a CDP frame is, for a DAP client: in a cell, a file, or nowhere it can show. */
  locate(thread: DebugThread, frame: CdpCallFrame): { cell?: CellSource; path?: string; line: number; column: number } | undefined {
    const script = thread.scripts.get(frame.location.scriptId);
    const { lineNumber, columnNumber } = frame.location;
    const cell = script && this.cells.byScriptHash(script.hash);
    if (cell) {
      const at = cell.toCell(lineNumber, columnNumber);
      return at && { cell, path: cell.path, line: at.line, column: at.column };
    }
    if (script?.revived) {
      const at = revivedPlace(script.revived, lineNumber);
      const shipped = at && this.cellOfCount(at.count);
      return shipped && { cell: shipped, path: shipped.path, line: at.line, column: 1 };
    }
    const url = script?.url ?? frame.url;
    if (!url || this.isLibrary(url) || url.startsWith('loom-ship-')) return undefined;
    return { path: url.startsWith('file://') ? new URL(url).pathname : url, line: lineNumber + 1, column: columnNumber + 1 };
  }

  /** The name a frame's script has: `cell 3` for a cell's, undefined for others. */
  cellName(thread: DebugThread, frame: CdpCallFrame): string | undefined {
    const count = /^cell-(\d+)/.exec(thread.scripts.get(frame.location.scriptId)?.url ?? '')?.[1];
    return count === undefined ? undefined : `cell ${count}`;
  }

  /** copyToGlobals made a global: later cells may use it (typed any: its type is the stopped frame's). */
  declareGlobal(name: string): void {
    this.options.declareGlobal(name);
  }

  close(): void {
    this.cells.removeFiles();
  }

  private async connect(): Promise<CdpClient> {
    const cdp = new CdpClient(await this.options.target.debugChannel());
    this.client = cdp;
    const main = new DebugThread(MAIN_THREAD, 'Main Thread', cdp);
    cdp.on('event', (method, params) => {
      if (method.startsWith('NodeWorker.')) this.workers.onEvent(cdp, method, params);
      else this.onEvent(main, method, params);
    });
    cdp.on('closed', () => {
      if (this.client !== cdp) return;
      this.link = undefined;
      this.forgetThreads();
      this.skippingPauses = false;
    });
    // The executor's main thread starts the relay between cells: a cell that runs
    // for an hour delays the debugger by an hour (requests meanwhile time out with a reason).
    await cdp.send('Runtime.evaluate', { expression: '0' }, UNTIL_THE_CELL_ENDS_MS);
    this.main = main;
    await this.setUpThread(main);
    // Every worker stops before its first line until it is set up (worker-threads.ts).
    await cdp.send('NodeWorker.enable', { waitForDebuggerOnStart: true });
    return cdp;
  }

  /** A thread's debugger state: as the client set it, with its breakpoints. */
  private async setUpThread(thread: DebugThread): Promise<void> {
    await thread.cdp.send('Debugger.enable');
    await thread.cdp.send('Debugger.setBlackboxPatterns', { patterns: this.libraryPatterns });
    await thread.cdp.send('Debugger.setPauseOnExceptions', { state: this.v8PauseState() });
    if (thread.id !== MAIN_THREAD) {
      // Code a cell ships to a worker is compiled there: stop before it runs, to set its breakpoints.
      await thread.cdp.send('Debugger.setInstrumentationBreakpoint', { instrumentation: 'beforeScriptExecution' });
    }
    for (const path of this.breakpoints.keys()) await this.applyBreakpoints(thread, path);
  }

  /** One path's breakpoints at a time: a removal and a setting of the same path must not interleave. */
  private applyBreakpoints(thread: DebugThread, path: string): Promise<void> {
    const turn = this.breakpointTurn.then(() => this.replaceBreakpoints(thread, path));
    this.breakpointTurn = turn.catch(() => undefined);
    return turn;
  }

  private async replaceBreakpoints(thread: DebugThread, path: string): Promise<void> {
    for (const id of thread.breakpointIds.get(path) ?? []) await thread.cdp.send('Debugger.removeBreakpoint', { breakpointId: id }).catch(() => undefined);
    const ids: string[] = [];
    const cell = this.cells.byPathName(path);
    for (const bp of cell ? this.breakpoints.get(path) ?? [] : []) {
      const place = placeOf(cell!, bp.line);
      if (!place) continue;
      const condition = bp.condition ? { condition: bp.condition } : {};
      if (thread.id === MAIN_THREAD) {
        const set = await thread.cdp.send<{ breakpointId: string }>('Debugger.setBreakpointByUrl', { scriptHash: cell!.scriptHash, lineNumber: place.scriptLine, ...condition });
        ids.push(set.breakpointId);
        continue;
      }
      // In a worker: on each script of code shipped from this cell, at the lines that came from the breakpoint's line.
      for (const [scriptId, script] of thread.scripts) {
        if (!script.revived) continue;
        for (const count of this.countsOf(cell!)) {
          const [lineNumber] = revivedLinesOf(script.revived, count, place.cellLine);
          if (lineNumber === undefined) continue;
          const set = await thread.cdp.send<{ breakpointId: string }>('Debugger.setBreakpoint', { location: { scriptId, lineNumber }, ...condition }).catch(() => undefined);
          if (set) ids.push(set.breakpointId);
        }
      }
    }
    thread.breakpointIds.set(path, ids);
  }

  private onEvent(thread: DebugThread, method: string, params: any): void {
    if (method === 'Debugger.scriptParsed') {
      thread.scripts.set(params.scriptId, { url: params.url, hash: params.hash });
      const count = thread.id === MAIN_THREAD ? /^cell-(\d+)$/.exec(params.url)?.[1] : undefined;
      if (count !== undefined) this.countHashes.set(Number(count), params.hash);
    } else if (method === 'Debugger.paused') {
      void this.onPaused(thread, params as Pause).catch(() => undefined);
    } else if (method === 'Debugger.resumed') {
      if (thread.stepping && thread.stepping.autoSteps > 0) return;
      const wasPaused = thread.paused !== undefined;
      this.forgetPause(thread);
      if (wasPaused) this.options.publish(event('continued', { threadId: thread.id, allThreadsContinued: false }));
    }
  }

  private async onPaused(thread: DebugThread, pause: Pause): Promise<void> {
    if (pause.reason === 'instrumentation') return this.beforeShippedCode(thread, pause);
    // A worker let go after its set-up stops once on its first line (Node's break on start): not the user's stop.
    if (pause.reason === 'Break on start') return void (await thread.cdp.send('Debugger.resume').catch(() => undefined));
    const top = pause.callFrames[0];
    const where = top && this.locate(thread, top);
    const script = top && thread.scripts.get(top.location.scriptId);
    const inWrapper = top !== undefined && where === undefined && (this.cells.byScriptHash(script?.hash ?? '') !== undefined || script?.revived !== undefined);
    if (thread.stepping && inWrapper && thread.stepping.autoSteps < AUTO_STEP_LIMIT) {
      // A step ended in the code that wraps a cell (no cell line): go on to the next cell line.
      thread.stepping.autoSteps += 1;
      await thread.cdp.send(thread.stepping.command === 'stepOut' ? 'Debugger.stepOut' : 'Debugger.stepInto').catch(() => undefined);
      return;
    }
    const reason = stopReason(pause, thread.stepping !== undefined, thread.pauseAsked);
    if (reason === 'exception' && this.pauseOnExceptions === 'uncaught' && this.caughtByUser(thread, pause)) {
      await thread.cdp.send('Debugger.resume').catch(() => undefined);
      return;
    }
    thread.stepping = undefined;
    thread.pauseAsked = false;
    this.forgetPause(thread);
    thread.paused = pause;
    for (const frame of pause.callFrames) this.frames.set(this.nextFrameId++, { thread, frame });
    const text = reason === 'exception' ? pause.data?.description?.split('\n')[0] : undefined;
    this.options.publish(event('stopped', { reason, threadId: thread.id, allThreadsStopped: false, ...(text ? { text, description: text } : {}) }));
    if (thread.id === MAIN_THREAD) for (const resolve of this.mainStopWaiters.splice(0)) resolve();
  }

  /**
   * A worker is about to run code shipped from a cell (`loom-ship-N`; the relay
   * lets every other script go on): learn which cell lines it holds, set the
   * breakpoints of those cells on it, and let it run.
   */
  private async beforeShippedCode(thread: DebugThread, pause: Pause): Promise<void> {
    const scriptId = pause.data?.scriptId;
    const script = scriptId === undefined ? undefined : thread.scripts.get(scriptId);
    try {
      if (script && scriptId !== undefined) {
        const name = JSON.stringify(script.url);
        const answer = await thread.cdp.send<{ result: { value?: unknown } }>('Runtime.evaluate', {
          expression: `require(${JSON.stringify(this.options.hostModule)}).revivedLines(${name}) ?? null`,
          includeCommandLineAPI: true,
          returnByValue: true,
        });
        if (answer.result.value) {
          script.revived = answer.result.value as NonNullable<typeof script.revived>;
          for (const path of this.breakpoints.keys()) await this.applyBreakpoints(thread, path);
        }
      }
    } finally {
      await thread.cdp.send('Debugger.resume').catch(() => undefined);
    }
  }

  /** The execution counts a cell ran under (its script's hash, by `cell-N`). */
  private countsOf(cell: CellSource): number[] {
    return [...this.countHashes].filter(([, hash]) => hash === cell.scriptHash).map(([count]) => count);
  }

  private cellOfCount(count: number): CellSource | undefined {
    const hash = this.countHashes.get(count);
    return hash === undefined ? undefined : this.cells.byScriptHash(hash);
  }

  /**
   * V8 calls every exception in a cell caught (the executor's own try is on
   * the stack), so "uncaught" is decided here: no cell frame on the stack is
   * inside a try block with a catch. A promise's .catch() is not seen: such an
   * exception stops (the safe side for a student looking for a bug).
   */
  private caughtByUser(thread: DebugThread, pause: Pause): boolean {
    return pause.callFrames.some((frame) => {
      const where = this.locate(thread, frame);
      return where?.cell !== undefined && insideTryWithCatch(where.cell.code, where.line, where.column);
    });
  }

  private threadEnded(thread: DebugThread): void {
    this.forgetPause(thread);
  }

  private v8PauseState(): 'none' | 'all' {
    return this.pauseOnExceptions === 'none' ? 'none' : 'all';
  }

  /** A thread went on: its frames and the values seen in them are gone. */
  private forgetPause(thread: DebugThread): void {
    thread.paused = undefined;
    for (const [id, frame] of this.frames) if (frame.thread === thread) this.frames.delete(id);
    if (this.frames.size === 0) this.handles.clear();
  }

  private forgetThreads(): void {
    for (const thread of this.threads()) this.forgetPause(thread);
    this.main = undefined;
    this.workers.clear();
    this.countHashes.clear();
  }

  private isLibrary(url: string): boolean {
    return this.libraryRegExps.some((pattern) => pattern.test(url));
  }
}


const CDP_STEP = { continue: 'Debugger.resume', next: 'Debugger.stepOver', stepIn: 'Debugger.stepInto', stepOut: 'Debugger.stepOut' } as const;

/** The script line a breakpoint on a cell line goes to: that line, or the next one with code. */
function placeOf(cell: CellSource, line: number): { scriptLine: number; cellLine: number } | undefined {
  const lastLine = cell.code.split('\n').length;
  for (let cellLine = line; cellLine <= lastLine; cellLine++) {
    const [scriptLine] = cell.scriptLinesOf(cellLine);
    if (scriptLine !== undefined) return { scriptLine, cellLine };
  }
  return undefined;
}

function stopReason(pause: Pause, stepped: boolean, pauseAsked: boolean): string {
  if (pause.reason === 'exception' || pause.reason === 'promiseRejection') return 'exception';
  if (pause.hitBreakpoints?.length) return 'breakpoint';
  if (stepped) return 'step';
  if (pauseAsked) return 'pause';
  return 'breakpoint';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
