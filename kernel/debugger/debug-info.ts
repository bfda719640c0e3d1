/**
 * The names of a kernel's cells as files, and the debugInfo reply that tells
 * JupyterLab about them: light, so that the kernel answers the debugInfo
 * JupyterLab sends when a notebook opens without loading the debugger
 * (on-demand.ts).
 */
import { randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { success, type DapRequest, type DapResponse } from './dap.js';

/** How JupyterLab names a cell: prefix + murmur2(code, seed) + suffix. */
export interface CellNaming {
  seed: number;
  /**
   * Ends with the path separator, as JupyterLab expects. The folder's name has
   * `ipykernel_` in it because JupyterLab's debugger-extension (4.6) shows a
   * frame or breakpoint as `Cell [3]` only for such paths (its displayRegistry);
   * others show as the temp file's path.
   */
  prefix: string;
  suffix: string;
}

export function cellNaming(): CellNaming {
  return { seed: randomInt(0, 2 ** 31), prefix: join(tmpdir(), `ipykernel_loom_${process.pid}`) + sep, suffix: '.ts' };
}

/** What debugInfo reports besides the naming. */
export interface DebugState {
  started: boolean;
  breakpoints: { source: string; breakpoints: unknown[] }[];
  stoppedThreads: number[];
}

export const NOT_STARTED: DebugState = { started: false, breakpoints: [], stoppedThreads: [] };

export function debugInfoReply(request: DapRequest, naming: CellNaming, state: DebugState): DapResponse {
  return success(request, {
    isStarted: state.started,
    hashMethod: 'Murmur2',
    hashSeed: naming.seed,
    tmpFilePrefix: naming.prefix,
    tmpFileSuffix: naming.suffix,
    breakpoints: state.breakpoints,
    stoppedThreads: state.stoppedThreads,
    richRendering: true,
    exceptionPaths: ['JavaScript Exceptions'],
    copyToGlobals: true,
  });
}
