/**
 * Loom's debug adapter: the Jupyter debug protocol (DAP in debug_request,
 * debug_reply, debug_event) on one side, V8's inspector on the executor's main
 * thread (CDP, through the executor's debug relay) on the other.
 *
 * Cells are named as JupyterLab names them (cell-sources.ts) and every
 * location goes through the cell's source map, so breakpoints, the stack and
 * steps are in cell lines, while V8 runs the transpiled script. The
 * commands themselves are in commands.ts; this file holds the session: the
 * link to the executor, breakpoints, and what a pause looks like.
 */
import { CdpClient } from './cdp.js';
import { CellSources, type CellSource } from './cell-sources.js';
import { event, MAIN_THREAD, type DapEvent } from './dap.js';
import { Handles } from './handles.js';
import { insideTryWithCatch } from './try-blocks.js';
import type { Duplex } from 'node:stream';

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
}

export interface CdpCallFrame {
  callFrameId: string;
  functionName: string;
  location: { scriptId: string; lineNumber: number; columnNumber: number };
  url: string;
  scopeChain: { type: string; name?: string; object: { objectId?: string } }[];
}

export interface Pause {
  reason: string;
  hitBreakpoints?: string[];
  callFrames: CdpCallFrame[];
  /** CDP's details: the exception for reason "exception". */
  data?: { description?: string; className?: string };
}

interface SourceBreakpoint {
  line: number;
  condition?: string;
}

/** setTimeout's longest delay (about 24 days). */
const UNTIL_THE_CELL_ENDS_MS = 2 ** 31 - 1;
/** How many automatic steps may skip a cell's wrapper code before a stop is shown anyway. */
const AUTO_STEP_LIMIT = 20;

export class CellDebugger {
  readonly cells = new CellSources();
  readonly handles = new Handles();
  started = false;
  paused: Pause | undefined;
  /** Frame ids of the current pause -> CDP call frames. */
  frames = new Map<number, CdpCallFrame>();
  /** DAP breakpoints as the client set them, by source path. */
  readonly breakpoints = new Map<string, SourceBreakpoint[]>();
  /** The client's choice; "uncaught" is V8's "all", filtered here (onPaused). */
  pauseOnExceptions: 'none' | 'uncaught' | 'all' = 'none';
  private link: Promise<CdpClient> | undefined;
  private client: CdpClient | undefined;
  private breakpointTurn: Promise<void> = Promise.resolve();
  /** CDP breakpoint ids, by source path, in the current executor. */
  private readonly cdpBreakpoints = new Map<string, string[]>();
  private readonly scripts = new Map<string, { url: string; hash: string }>();
  /** The step the client asked for, repeated while a stop lands in wrapper code. */
  private stepping: { command: string; autoSteps: number } | undefined;
  private pauseAsked = false;
  /** Resolved at the next stop a client is told of (nextStop). */
  private stopWaiters: (() => void)[] = [];
  private skippingPauses = false;

  constructor(private readonly options: DebuggerOptions) {
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

  /** disconnect: every breakpoint goes, a paused cell goes on. */
  async stop(): Promise<void> {
    this.started = false;
    this.breakpoints.clear();
    this.pauseOnExceptions = 'none';
    const link = this.link;
    this.link = undefined;
    this.forgetPause();
    this.cdpBreakpoints.clear();
    if (link) await link.then((cdp) => cdp.send('Debugger.disable')).catch(() => undefined);
  }

  /** A cell is about to run: its script must be known by its hash, and pauses work again after an interrupt. */
  async beforeCell(code: string): Promise<void> {
    if (!this.started) return;
    this.cells.add(code);
    // Connected, with the breakpoints set, before the cell's script exists.
    const cdp = await this.cdp().catch(() => undefined);
    if (!cdp || !this.skippingPauses) return;
    this.skippingPauses = false;
    await cdp.send('Debugger.setSkipAllPauses', { skip: false }).catch(() => undefined);
  }

  /** An interrupt while paused: the cell must stop, not stop at its next breakpoint. */
  async beforeInterrupt(): Promise<void> {
    if (!this.paused || !this.link) return;
    const cdp = await this.link;
    this.skippingPauses = true;
    await cdp.send('Debugger.setSkipAllPauses', { skip: true }).catch(() => undefined);
    await cdp.send('Debugger.resume').catch(() => undefined);
  }

  /** setBreakpoints: replaces the breakpoints of one cell; answers where each one is. */
  async setBreakpoints(path: string, requested: SourceBreakpoint[]): Promise<{ verified: boolean; line: number; source: { path: string } }[]> {
    this.breakpoints.set(path, requested);
    const cell = this.cells.byPathName(path);
    const placed = requested.map((bp) => ({ ...bp, scriptLine: cell ? placeOf(cell, bp.line) : undefined }));
    if (this.link) await this.applyBreakpoints(await this.link, path);
    return placed.map((bp) => ({
      verified: bp.scriptLine !== undefined,
      line: bp.scriptLine?.cellLine ?? bp.line,
      source: { path },
    }));
  }

  async setExceptionBreakpoints(filters: string[]): Promise<void> {
    this.pauseOnExceptions = filters.includes('raised') ? 'all' : filters.includes('uncaught') ? 'uncaught' : 'none';
    if (this.link) await (await this.link).send('Debugger.setPauseOnExceptions', { state: this.v8PauseState() });
  }

  /** continue, next, stepIn, stepOut, pause. */
  async resume(command: 'continue' | 'next' | 'stepIn' | 'stepOut' | 'pause'): Promise<void> {
    const cdp = await this.cdp();
    if (command === 'pause') {
      this.pauseAsked = true;
      await cdp.send('Debugger.pause');
      return;
    }
    this.stepping = command === 'continue' ? undefined : { command, autoSteps: 0 };
    await cdp.send(CDP_STEP[command]);
  }

  /** Resolves when the thread next stops (with this.paused and this.frames set). */
  nextStop(): Promise<void> {
    return new Promise((resolve) => this.stopWaiters.push(resolve));
  }

  /** Where a CDP frame is, for a DAP client: in a cell, a file, or nowhere it can show. */
  locate(frame: CdpCallFrame): { cell?: CellSource; path?: string; line: number; column: number } | undefined {
    const script = this.scripts.get(frame.location.scriptId);
    const cell = script && this.cells.byScriptHash(script.hash);
    const { lineNumber, columnNumber } = frame.location;
    if (cell) {
      const at = cell.toCell(lineNumber, columnNumber);
      return at && { cell, path: cell.path, line: at.line, column: at.column };
    }
    const url = script?.url ?? frame.url;
    if (!url || this.isLibrary(url)) return undefined;
    return { path: url.startsWith('file://') ? new URL(url).pathname : url, line: lineNumber + 1, column: columnNumber + 1 };
  }

  /** The name a script was compiled under (`cell-3`), for a frame's name. */
  scriptUrl(scriptId: string): string | undefined {
    return this.scripts.get(scriptId)?.url;
  }

  close(): void {
    this.cells.removeFiles();
  }

  private async connect(): Promise<CdpClient> {
    const cdp = new CdpClient(await this.options.target.debugChannel());
    this.client = cdp;
    cdp.on('event', (method, params) => this.onEvent(method, params));
    cdp.on('closed', () => {
      if (this.client !== cdp) return;
      this.forgetPause();
      this.link = undefined;
      this.scripts.clear();
      this.cdpBreakpoints.clear();
      this.skippingPauses = false;
    });
    // The executor's main thread starts the relay between cells: a cell that runs
    // for an hour delays the debugger by an hour (requests meanwhile time out with a reason).
    await cdp.send('Runtime.evaluate', { expression: '0' }, UNTIL_THE_CELL_ENDS_MS);
    await cdp.send('Debugger.enable');
    await cdp.send('Debugger.setBlackboxPatterns', { patterns: this.libraryPatterns() });
    await cdp.send('Debugger.setPauseOnExceptions', { state: this.v8PauseState() });
    for (const path of this.breakpoints.keys()) await this.applyBreakpoints(cdp, path);
    return cdp;
  }

  /** One path's breakpoints at a time: a removal and a setting of the same path must not interleave. */
  private applyBreakpoints(cdp: CdpClient, path: string): Promise<void> {
    const turn = this.breakpointTurn.then(() => this.replaceBreakpoints(cdp, path));
    this.breakpointTurn = turn.catch(() => undefined);
    return turn;
  }

  private async replaceBreakpoints(cdp: CdpClient, path: string): Promise<void> {
    for (const id of this.cdpBreakpoints.get(path) ?? []) await cdp.send('Debugger.removeBreakpoint', { breakpointId: id }).catch(() => undefined);
    const ids: string[] = [];
    const cell = this.cells.byPathName(path);
    for (const bp of cell ? this.breakpoints.get(path) ?? [] : []) {
      const place = placeOf(cell!, bp.line);
      if (!place) continue;
      const set = await cdp.send<{ breakpointId: string }>('Debugger.setBreakpointByUrl', {
        scriptHash: cell!.scriptHash,
        lineNumber: place.scriptLine,
        ...(bp.condition ? { condition: bp.condition } : {}),
      });
      ids.push(set.breakpointId);
    }
    this.cdpBreakpoints.set(path, ids);
  }

  private onEvent(method: string, params: any): void {
    if (method === 'Debugger.scriptParsed') {
      this.scripts.set(params.scriptId, { url: params.url, hash: params.hash });
    } else if (method === 'Debugger.paused') {
      void this.onPaused(params as Pause);
    } else if (method === 'Debugger.resumed') {
      if (this.stepping && this.stepping.autoSteps > 0) return;
      const wasPaused = this.paused !== undefined;
      this.forgetPause();
      if (wasPaused) this.options.publish(event('continued', { threadId: MAIN_THREAD, allThreadsContinued: true }));
    }
  }

  private async onPaused(pause: Pause): Promise<void> {
    const top = pause.callFrames[0];
    const where = top && this.locate(top);
    const inWrapper = top !== undefined && where === undefined && this.cells.byScriptHash(this.scripts.get(top.location.scriptId)?.hash ?? '') !== undefined;
    if (this.stepping && inWrapper && this.stepping.autoSteps < AUTO_STEP_LIMIT) {
      // A step ended in the code that wraps a cell (no cell line): go on to the next cell line.
      this.stepping.autoSteps += 1;
      const cdp = await this.cdp();
      await cdp.send(this.stepping.command === 'stepOut' ? 'Debugger.stepOut' : 'Debugger.stepInto').catch(() => undefined);
      return;
    }
    const reason = stopReason(pause, this.stepping !== undefined, this.pauseAsked);
    if (reason === 'exception' && this.pauseOnExceptions === 'uncaught' && this.caughtByUser(pause)) {
      await (await this.cdp()).send('Debugger.resume').catch(() => undefined);
      return;
    }
    this.stepping = undefined;
    this.pauseAsked = false;
    this.paused = pause;
    this.handles.clear();
    this.frames = new Map(pause.callFrames.map((frame, index) => [index + 1, frame]));
    const text = reason === 'exception' ? pause.data?.description?.split('\n')[0] : undefined;
    this.options.publish(event('stopped', { reason, threadId: MAIN_THREAD, allThreadsStopped: true, ...(text ? { text, description: text } : {}) }));
    for (const resolve of this.stopWaiters.splice(0)) resolve();
  }

  /**
   * V8 calls every exception in a cell caught (the executor's own try is on
   * the stack), so "uncaught" is decided here: no cell frame on the stack is
   * inside a try block with a catch. A promise's .catch() is not seen: such an
   * exception stops (the safe side for a student looking for a bug).
   */
  private caughtByUser(pause: Pause): boolean {
    return pause.callFrames.some((frame) => {
      const where = this.locate(frame);
      return where?.cell !== undefined && insideTryWithCatch(where.cell.code, where.line, where.column);
    });
  }

  private v8PauseState(): 'none' | 'all' {
    return this.pauseOnExceptions === 'none' ? 'none' : 'all';
  }

  private forgetPause(): void {
    this.paused = undefined;
    this.frames.clear();
    this.handles.clear();
  }

  private isLibrary(url: string): boolean {
    return this.libraryPatterns().some((pattern) => new RegExp(pattern).test(url));
  }

  private libraryPatterns(): string[] {
    return ['^node:', '/node_modules/', ...this.options.libraryFolders.map((folder) => escapeRegExp(folder))];
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
