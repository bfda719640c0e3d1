/**
 * Which cell caused what is happening now. A cell runs inside
 * AsyncLocalStorage.run, so a timer or promise it starts still knows it came
 * from that cell, even while a later cell runs: its output and its late errors
 * go to the cell that started it, never to "whatever runs now".
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { inspect } from 'node:util';
import { setEnvironmentData } from 'node:worker_threads';
import { CELL_KEY } from './stream-prefix.js';

export interface CellContext {
  /** msg_id of the execute_request. */
  parent: string;
  executionCount: number;
  allowStdin: boolean;
}

const storage = new AsyncLocalStorage<CellContext>();
let running: CellContext | undefined;
hideTrackingFromInspect();

export function runInCell<T>(cell: CellContext, fn: () => T): T {
  return storage.run(cell, fn);
}

/** Marks the cell the executor is running now (undefined between cells). */
export function setRunningCell(cell: CellContext | undefined): void {
  running = cell;
  // Threads started from now on write to this cell (between cells: still to the last one).
  if (cell) setEnvironmentData(CELL_KEY, cell.parent);
}

export function runningCell(): CellContext | undefined {
  return running;
}

let scriptDepth = 0;

/** Runs fn with vm's SIGINT watchdog armed (fn calls vm.runInThisContext with breakOnSigint). */
export function whileInterruptible<T>(fn: () => T): T {
  scriptDepth++;
  try {
    return fn();
  } finally {
    scriptDepth--;
  }
}

/** True while synchronous cell code runs under vm's breakOnSigint: SIGINT then stops it where it is. */
export function interruptible(): boolean {
  return scriptDepth > 0;
}

/**
 * The cell whose code led here; the running cell for callbacks that carry no
 * cell (an event emitted by the runtime itself), undefined when idle.
 */
export function currentCell(): CellContext | undefined {
  return storage.getStore() ?? running;
}

/**
 * On Node 20, AsyncLocalStorage's hooks write their bookkeeping onto every
 * promise as enumerable symbol properties, so `console.log(promise)` would show
 * `[Symbol(async_id_symbol)]: 98, [Symbol(kResourceStore)]: {...}`. A custom
 * inspect on Promise.prototype makes those non-enumerable on the promise being
 * shown and returns it, which tells util.inspect to format it as usual.
 * (Doing it on every promise as it is created made each await 10x slower.)
 */
function hideTrackingFromInspect(): void {
  const tracking = new Set(['async_id_symbol', 'trigger_async_id_symbol', 'kResourceStore']);
  Object.defineProperty(Promise.prototype, inspect.custom, {
    configurable: true,
    writable: true,
    value(this: Promise<unknown>) {
      for (const symbol of Object.getOwnPropertySymbols(this)) {
        if (tracking.has(symbol.description ?? '')) Object.defineProperty(this, symbol, { enumerable: false });
      }
      return this;
    },
  });
}
