/**
 * One thread the debugger shows: the executor's main thread (DAP thread 1,
 * where cells run) or a worker a cell started (a loom Thread, a pool's
 * worker), each with its own CDP session, scripts and pause.
 */
import type { Cdp } from './cdp.js';

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
  data?: { description?: string; className?: string; url?: string; scriptId?: string };
}

/** Where the lines of code shipped to a worker (`loom-ship-N`) came from (loom/host's revivedLines). */
export interface RevivedLines {
  headerLines: number;
  pieces: { line: number; lineCount: number; file: string; lines: (number | undefined)[] }[];
}

export interface Script {
  url: string;
  /** SHA-256 of the source (a cell's script is known by it). */
  hash: string;
  /** For code shipped from cells to a worker: its pieces' cell lines. */
  revived?: RevivedLines;
}

export class DebugThread {
  paused: Pause | undefined;
  /** The step the client asked for, repeated while a stop lands in wrapper code. */
  stepping: { command: string; autoSteps: number } | undefined;
  pauseAsked = false;
  readonly scripts = new Map<string, Script>();
  /** CDP breakpoint ids by cell path (a worker's are set script by script). */
  readonly breakpointIds = new Map<string, string[]>();

  constructor(
    readonly id: number,
    readonly name: string,
    readonly cdp: Cdp,
  ) {}
}

/** The cell (`cell 3`: execution count 3) and 1-based line a 0-based line of shipped code came from. */
export function revivedPlace(revived: RevivedLines, scriptLine: number): { count: number; line: number } | undefined {
  const codeLine = scriptLine - revived.headerLines;
  const piece = revived.pieces.find((p) => codeLine >= p.line && codeLine < p.line + p.lineCount);
  const count = piece && /^cell (\d+)$/.exec(piece.file)?.[1];
  const line = piece?.lines[codeLine - piece.line];
  return count !== undefined && line !== undefined ? { count: Number(count), line } : undefined;
}

/** The 0-based lines of shipped code that came from line `line` of cell `count` (first lines of statements first). */
export function revivedLinesOf(revived: RevivedLines, count: number, line: number): number[] {
  const found: number[] = [];
  for (const piece of revived.pieces) {
    if (piece.file !== `cell ${count}`) continue;
    piece.lines.forEach((cellLine, k) => {
      if (cellLine === line) found.push(piece.line + k + revived.headerLines);
    });
  }
  return found;
}
