/**
 * What runs inside the checker thread (client.ts starts it): the kernel's
 * messages (types.ts) answered by the TypeScript language service over the
 * notebook (notebook-service.ts). Requests are answered one at a time, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NotebookService } from './notebook-service.js';
import { complete } from './complete.js';
import { inspect } from './inspect.js';
import { isComplete } from './is-complete.js';
import { checkCell } from './check.js';
import type { Answers, AnsweredRequest, WorkerData, WorkerRequest, WorkerResponse } from './types.js';

/** Throwaway checks after warmUp: enough for V8 to optimise the checker (measured: ~30). */
const WARM_CHECKS = 30;

/**
 * Handles the kernel's messages in order. The compiler is created on the
 * first completion or inspection (is_complete only parses); cells executed
 * before that are queued and added in one batch.
 */
export function createHandler(data: WorkerData, reply: (response: WorkerResponse) => void): (request: WorkerRequest) => void {
  let notebook: NotebookService | undefined;
  let queuedCells: string[] = [...data.cells];

  const service = (): NotebookService => {
    if (!notebook) {
      notebook = new NotebookService(data.cwd);
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
      case 'inspect': {
        const s = service();
        s.setCurrent(request.code);
        return inspect(s.service, s.currentFile, request.code, request.cursorPos, request.detailLevel);
      }
    }
  };

  // Checks of throwaway text while nothing else is asked (see warmUp below); any request stops them.
  let warmChecksLeft = 0;
  const warmWhileIdle = (): void => {
    setImmediate(() => {
      if (warmChecksLeft <= 0) return;
      warmChecksLeft -= 1;
      service().warmCheck(warmChecksLeft);
      warmWhileIdle();
    });
  };

  return (request) => {
    if (request.kind !== 'warmUp') warmChecksLeft = 0;
    switch (request.kind) {
      case 'addCells':
        if (!notebook) {
          queuedCells.push(...request.codes);
          return;
        }
        notebook.addCells(request.codes);
        // Parse the new cells now, while the user is still typing, not in the next completion.
        notebook.service.getProgram();
        return;
      case 'reset':
        queuedCells = [];
        notebook?.reset();
        return;
      case 'warmUp':
        // Loads lib and @types/node and warms the checker's code paths.
        answer({ id: 0, kind: 'complete', code: 'Math.', cursorPos: 5 });
        answer({ id: 0, kind: 'inspect', code: 'process', cursorPos: 7, detailLevel: 0 });
        // A fresh checker takes 4-13 ms a cell for its first twenty or so, 2 ms once V8 has
        // optimised it: spend the seconds before the first Shift+Enter on that, one check per
        // turn of the event loop, and stop at the first real request.
        warmChecksLeft = WARM_CHECKS;
        warmWhileIdle();
        return;
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

// Only as a worker: loading this file elsewhere (to profile it, say) starts nothing.
if (parentPort) {
  const port = parentPort;
  port.on('message', createHandler(workerData as WorkerData, (response) => port.postMessage(response)));
}
