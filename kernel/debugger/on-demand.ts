/**
 * The debugger as the kernel holds it: nothing of it is loaded until a debug
 * request needs it. JupyterLab sends `debugInfo` when a notebook opens, to
 * learn whether the debugger runs: that is answered from here; the first other
 * request (`initialize`, when the user turns the debugger on) loads it. Its
 * code brings TypeScript into the kernel's process (cells are transpiled again
 * to map lines, `try` blocks are parsed): some 40 MiB that a kernel whose
 * debugger stays off should not carry, now that the type checker is a process
 * of its own.
 */
import type { CellDebugger, DebuggerOptions } from './cell-debugger.js';
import type { DapRequest, DapResponse } from './dap.js';
import { cellNaming, debugInfoReply, NOT_STARTED } from './debug-info.js';

/** What the kernel asks of its debugger (protocol/context.ts's DebugService), and its end. */
export interface OnDemandDebugger {
  handle(request: DapRequest): Promise<DapResponse>;
  beforeCell(code: string): Promise<void>;
  beforeInterrupt(): Promise<void>;
  close(): void;
}

type Loaded = { debug: CellDebugger; handle: typeof import('./commands.js').handleDebugRequest };

export function debuggerOnDemand(options: DebuggerOptions): OnDemandDebugger {
  // Made here, so that the names told before the debugger loads stay its names.
  const naming = cellNaming();
  let loaded: Loaded | undefined;
  const load = (): Loaded => {
    if (!loaded) {
      const { CellDebugger: Debugger } = require('./cell-debugger.js') as typeof import('./cell-debugger.js');
      const { handleDebugRequest } = require('./commands.js') as typeof import('./commands.js');
      loaded = { debug: new Debugger({ ...options, naming }), handle: handleDebugRequest };
    }
    return loaded;
  };
  return {
    handle: async (request) => {
      if (!loaded && request.command === 'debugInfo') return debugInfoReply(request, naming, NOT_STARTED);
      const { debug, handle } = load();
      return handle(request, debug);
    },
    // Not loaded, the debugger has not started: it has nothing to do for a cell or an interrupt.
    beforeCell: async (code) => loaded?.debug.beforeCell(code),
    beforeInterrupt: async () => loaded?.debug.beforeInterrupt(),
    close: () => loaded?.debug.close(),
  };
}
