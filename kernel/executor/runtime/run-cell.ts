/**
 * Runs one cell: transpile, run the script in this context, wait for its
 * promise, send `result`, evaluate user_expressions, send `done`.
 *
 * A cell ends early when it is interrupted while awaiting (SIGINT between
 * event-loop turns) or when a callback it started throws: then `done` is sent
 * although its async code may go on in the background, as a thread would.
 */
import vm from 'node:vm';
import type { CellCompletion } from '../../transpile/transpiled.js';
import { transpiled } from './cell-scripts.js';
import type { ErrorContent } from '../../jupyter/output.js';
import type { ExecuteCommand, UserExpressionResult } from '../messages.js';
import { sendFrame } from './channel.js';
import { runInCell, setRunningCell, whileInterruptible, type CellContext } from './context.js';
import { bundleOf } from './display.js';
import { interruptWork } from '../../../src/host/index.js';
import { isInterruption, KeyboardInterrupt } from './errors.js';
import { errorContent, registerScript, syntaxErrorContent } from './traceback.js';
import { KernelError } from '../../errors.js';

interface ActiveCell {
  cell: CellContext;
  /** Ends the cell now with this error. */
  fail(reason: unknown): void;
}

let active: ActiveCell | undefined;

export async function runCell(command: ExecuteCommand): Promise<void> {
  const cell: CellContext = { parent: command.parent, executionCount: command.executionCount, allowStdin: command.allowStdin };
  const stopped = new Promise<never>((_, reject) => {
    active = { cell, fail: reject };
  });
  setRunningCell(cell);
  let error: ErrorContent | undefined;
  let userExpressions: Record<string, UserExpressionResult> = {};
  try {
    const completion = await Promise.race([evaluate(command.code, cell), stopped]);
    if (!command.silent && completion?.value !== undefined) {
      sendFrame({ type: 'result', parent: cell.parent, data: bundleOf(completion.value), metadata: {} });
    }
    userExpressions = await evaluateUserExpressions(command.userExpressions, cell);
  } catch (thrown) {
    // Interrupted (while it awaited, or in a busy loop): the pool tasks and processes it started stop too.
    if (isInterruption(thrown)) interruptWork(cell.parent);
    error = thrown instanceof CellSyntaxError ? thrown.content : errorContent(thrown);
  } finally {
    active = undefined;
    setRunningCell(undefined);
  }
  try {
    sendFrame({ type: 'done', parent: cell.parent, status: error ? 'error' : 'ok', ...(error ? { error } : {}), userExpressions });
  } catch (thrown) {
    // A user expression's bundle that JSON cannot carry (a BigInt, a cycle): the kernel must still get its done.
    sendFrame({ type: 'done', parent: cell.parent, status: 'error', error: errorContent(thrown), userExpressions: {} });
  }
}

/** SIGINT outside synchronous cell code (vm's breakOnSigint covers that): fails the running cell. */
export function interruptRunningCell(): void {
  active?.fail(new KeyboardInterrupt());
}

/**
 * An uncaught exception or unhandled rejection from code a cell started: the
 * cell's error if it is still running, a `late_error` for it otherwise.
 */
export function reportLateError(cell: CellContext | undefined, thrown: unknown): void {
  if (active !== undefined && (cell === undefined || cell === active.cell)) {
    active.fail(thrown);
    return;
  }
  sendFrame({ type: 'late_error', parent: cell?.parent ?? '', error: errorContent(thrown) });
}

/** A cell TypeScript could not parse; carries the error as Jupyter shows it. */
class CellSyntaxError extends KernelError {
  readonly code = 'ERR_LOOM_CELL_SYNTAX';
  constructor(readonly content: ErrorContent) {
    super(content.evalue);
  }
}

async function evaluate(source: string, cell: CellContext): Promise<CellCompletion | undefined> {
  const compiled = transpiled(source);
  const syntaxError = compiled.syntaxErrors[0];
  if (syntaxError) throw new CellSyntaxError(syntaxErrorContent(cell.executionCount, source, syntaxError));
  const filename = registerScript(cell.executionCount, source);
  // The script's value is the promise of the cell's async wrapper. Code up to its
  // first await runs inside runInThisContext, where SIGINT can break even a busy loop.
  const completion = runInCell(cell, () => whileInterruptible(() => vm.runInThisContext(compiled.code, {
    filename,
    breakOnSigint: true,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as Promise<CellCompletion | undefined>));
  return await completion;
}

async function evaluateUserExpressions(expressions: Record<string, string>, cell: CellContext): Promise<Record<string, UserExpressionResult>> {
  const results: Record<string, UserExpressionResult> = {};
  for (const [name, expression] of Object.entries(expressions)) {
    try {
      const completion = await evaluate(expression, cell);
      results[name] = { status: 'ok', data: bundleOf(completion?.value), metadata: {} };
    } catch (thrown) {
      results[name] = { status: 'error', ...(thrown instanceof CellSyntaxError ? thrown.content : errorContent(thrown)) };
    }
  }
  return results;
}
