/**
 * The executor process: the only process that runs user code. Started by the
 * kernel's supervisor with the descriptors listed in ../messages.ts; takes
 * commands over IPC, runs cells one at a time, answers on fd 5 (FRAMES_FD).
 */
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { getEnvironmentData } from 'node:worker_threads';
import { outputHooks, processHooks, progressHooks, startLifelineWatchdog, threadHooks } from '../../../src/host/index.js';
import { loomModuleFile } from '../../transpile/loom-modules.js';
import { remember } from '../../transpile/transpiled.js';
import { transpiled } from './cell-scripts.js';
import { IMPORT_FUNCTION } from '../../transpile/import-function.js';
import { type ExecuteCommand, type ToExecutor } from '../messages.js';
import { releaseOutputLocksOf, sendFrame } from './channel.js';
import { routeOutput } from './console.js';
import { currentCell } from './context.js';
import { clearOutput, display } from './display.js';
import { KeyboardInterrupt, StdinNotImplementedError } from './errors.js';
import { input, prepareInput } from './input.js';
import { rememberDeclarations, shipNotebookDeclarations } from './notebook-declarations.js';
import { locateCellSources } from './cell-origins.js';
import { mapProgress } from './progress.js';
import { interruptRunningCell, reportLateError, runCell } from './run-cell.js';
import { CELL_KEY } from './stream-prefix.js';
import { beforeRequire, importFromCell } from './ts-modules.js';
import { silenceLoaderWarning } from './loader-warning.js';
import { startDebugging } from './debug-start.js';
import { saveTypeScriptCodeCache } from './ts-code-cache.js';

/**
 * As in Node's REPL, require() resolves from the notebook's directory; loom's
 * modules from the kernel's package; .ts and .cts files compile (ts-modules.ts).
 */
function notebookRequire(): NodeJS.Require {
  const base = createRequire(join(process.cwd(), '<notebook>'));
  // require.resolve('loom/queue') must name the file require('loom/queue') loads, wherever the notebook is.
  const resolve = Object.assign(
    (id: string, options?: { paths?: string[] }) => loomModuleFile(id) ?? base.resolve(id, options),
    { paths: base.resolve.paths },
  );
  return Object.assign((id: string) => {
    const loom = loomModuleFile(id);
    if (loom === undefined && typeof id === 'string') beforeRequire(id);
    return base(loom ?? id);
  }, base, { resolve });
}

/** The names cells see, besides Node's own globals. */
function installGlobals(): void {
  Object.assign(globalThis, {
    display,
    clearOutput,
    input,
    KeyboardInterrupt,
    StdinNotImplementedError,
    require: notebookRequire(),
    [IMPORT_FUNCTION]: importFromCell,
  });
}

/** A fault in the executor itself: to the raw stderr, which the kernel logs. */
function internalError(error: unknown): void {
  writeSync(2, `loom executor: ${error instanceof Error ? error.stack : String(error)}\n`);
}

function lateError(thrown: unknown): void {
  try {
    reportLateError(currentCell(), thrown);
  } catch (error) {
    internalError(error); // a throw here would end the process
  }
}

/** A cell's declarations, known before it runs (its globals exist from its first line), for the code it sends to workers. */
function rememberCell(code: string): void {
  const compiled = transpiled(code);
  if (compiled.syntaxErrors.length === 0) rememberDeclarations(compiled);
}

/**
 * What loom's threads, processes and pool tasks do reaches the cell that
 * started them (a pool task: the cell that submitted it): their console
 * output, their input() prompts, an error their run() throws.
 */
function routeWorkerOutput(): void {
  threadHooks.threadPreload.push(...['thread-output.js', 'thread-input.js', 'process-output.js'].map((file) => join(__dirname, file)));
  processHooks.processPreload.push(join(__dirname, 'child-process.js'));
  // The cell whose code starts the work, also from a timer it left behind; between cells, the last one.
  outputHooks.outputTag = () => currentCell()?.parent ?? (getEnvironmentData(CELL_KEY) as string | undefined);
  // A pool thread an interrupt terminated mid-print must not leave the output buffer locked.
  threadHooks.threadExited = releaseOutputLocksOf;
}

function main(): void {
  startLifelineWatchdog(); // the kernel died: so does this process, even mid busy loop
  silenceLoaderWarning();
  routeOutput();
  routeWorkerOutput();
  progressHooks.progress = mapProgress; // long maps show a bar in their cell
  prepareInput();
  installGlobals();
  shipNotebookDeclarations();
  locateCellSources();
  // A throw in a timer or an unhandled rejection belongs to the cell that started it
  // (AsyncLocalStorage still knows it here) and must never end the process.
  process.on('uncaughtException', (error) => lateError(error));
  process.on('unhandledRejection', (reason) => lateError(reason));
  process.on('SIGINT', interruptRunningCell);
  process.on('disconnect', () => process.exit(0));

  let queue = Promise.resolve();
  process.on('message', (message: ToExecutor) => {
    if (message.type === 'shutdown') process.exit(0);
    if (message.type === 'debug_start') startDebugging();
    if (message.type === 'execute') {
      const command: ExecuteCommand = message;
      queue = queue.then(() => {
        if (command.compiled) remember(command.code, command.compiled);
        rememberCell(command.code);
        return runCell(command);
      }).then(saveTypeScriptCodeCache).catch(internalError); // the cache once, after a first cell has used the compiler
    }
  });
  sendFrame({ type: 'ready', pid: process.pid });
}

main();
