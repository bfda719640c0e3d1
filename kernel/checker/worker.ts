/**
 * What the checker process runs (serve.ts starts it, client.ts talks to it):
 * the kernel's messages (types.ts) answered by the TypeScript language service
 * over the notebook (notebook-service.ts). Requests are answered one at a
 * time, in order.
 */
import type ts from 'typescript';
import { NotebookService } from './notebook-service.js';
import { complete } from './complete.js';
import { inspect } from './inspect.js';
import { isComplete } from './is-complete.js';
import { checkCell } from './check.js';
import { compileCell, type CompiledCell } from '../transpile/cell.js';
import type { Answers, AnsweredRequest, WorkerData, WorkerRequest, WorkerResponse } from './types.js';
import { Recent } from '../recent.js';

/** How long after a cell was added its parse waits for a request that would make the program anyway. */
const IDLE_PARSE_MS = 20;

/** Throwaway checks after warmUp: enough for V8 to optimise the checker (measured: ~30). */
const WARM_CHECKS = 30;

/** Cells transpiled lately, by source: a transpile depends on nothing else, and cells are often run again unchanged. */
const compiledCells = new Recent<string, CompiledCell>(64);

/** Throwaway checks this process has made: V8 optimises its code once, for every notebook a shared checker serves. */
let warmChecksDone = 0;

/**
 * Handles the kernel's messages in order. The compiler is created on the
 * first completion or inspection (is_complete only parses); cells executed
 * before that are queued and added in one batch. `registry` may hold lib and
 * @types/node parsed already (the snapshot's, snapshot-entry.ts).
 */
export function createHandler(data: WorkerData, reply: (response: WorkerResponse) => void, registry?: ts.DocumentRegistry): (request: WorkerRequest) => void {
  let notebook: NotebookService | undefined;
  let queuedCells: string[] = [...data.cells];

  const service = (): NotebookService => {
    if (!notebook) {
      notebook = new NotebookService(data.cwd, registry);
      notebook.addCells(queuedCells);
      queuedCells = [];
    }
    return notebook;
  };

  const answer = (request: AnsweredRequest): Answers[keyof Answers] => {
    switch (request.kind) {
      case 'isComplete':
        return isComplete(request.code);
      case 'complete': {
        const s = service();
        s.setCurrent(request.code);
        return complete(s.service, s.currentFile, request.code, request.cursorPos);
      }
      case 'check': {
        const s = service();
        s.setCurrent(request.code);
        return checkCell(s.service, s.currentFile, request.code);
      }
      case 'checkAndCompile': {
        const s = service();
        s.setCurrent(request.code);
        const diagnostics = checkCell(s.service, s.currentFile, request.code);
        // A cell with type errors does not run: nothing to transpile.
        return diagnostics.length > 0 ? { diagnostics } : { diagnostics, compiled: compiledCells.get(request.code, compileCell) };
      }
      case 'inspect': {
        const s = service();
        s.setCurrent(request.code);
        return inspect(s.service, s.currentFile, request.code, request.cursorPos, request.detailLevel);
      }
    }
  };

  // Warm-up work, one piece per turn of the event loop, so that a real request waiting behind
  // it (the first cell's check) is answered first. The throwaway checks stop at any real request.
  const warmSteps: (() => void)[] = [];
  let warmChecksLeft = 0;
  const warmWhileIdle = (): void => {
    setImmediate(() => {
      const step = warmSteps.shift();
      if (step) step();
      else if (warmChecksLeft > 0) {
        warmChecksLeft -= 1;
        warmChecksDone += 1;
        service().warmCheck(warmChecksLeft);
      } else return;
      warmWhileIdle();
    });
  };

  // New cells are parsed while the user is still typing, not in the next completion; but not when
  // a request comes first (Run All: the next cell's check), which makes that program itself.
  let idleParse: NodeJS.Timeout | undefined;
  const parseWhenIdle = (): void => {
    clearTimeout(idleParse);
    idleParse = setTimeout(() => notebook?.service.getProgram(), IDLE_PARSE_MS);
  };

  return (request) => {
    if (request.kind !== 'warmUp') warmChecksLeft = 0;
    if (request.kind !== 'addCells') clearTimeout(idleParse);
    switch (request.kind) {
      case 'addCells':
        if (!notebook) {
          queuedCells.push(...request.codes);
          return;
        }
        notebook.addCells(request.codes);
        parseWhenIdle();
        return;
      case 'reset':
        queuedCells = [];
        notebook?.reset();
        return;
      case 'warmUp': {
        // Loads lib and @types/node (unless the snapshot has them) and warms the checker's code paths.
        const warm = (code: string, run: (s: NotebookService) => void) => () => {
          const s = service();
          s.warmText(code);
          run(s);
        };
        warmSteps.push(
          () => service().service.getProgram(),
          warm('Math.', (s) => complete(s.service, s.currentFile, 'Math.', 5)),
          warm('process', (s) => inspect(s.service, s.currentFile, 'process', 7, 0)),
        );
        // A fresh checker takes 4-13 ms a cell for its first twenty or so, 2 ms once V8 has
        // optimised it: spend the seconds before the first Shift+Enter on that.
        warmChecksLeft = Math.max(0, WARM_CHECKS - warmChecksDone);
        warmWhileIdle();
        return;
      }
      case 'crash':
        // Uncaught, so the worker dies before it reads another message.
        throw new Error('crash requested by a test');
      default:
        try {
          reply({ id: request.id, ok: true, value: answer(request) });
        } catch (error) {
          reply({ id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        }
    }
  };
}
