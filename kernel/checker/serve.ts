/**
 * What a checker process does once the compiler is loaded: serve every
 * kernel of the user on a socket (shared-server.ts), when started with
 * LOOM_CHECKER_SOCKET, or else one kernel over its IPC channel (client.ts):
 * the first message says where the notebook is and what ran already, every
 * later one is a request for worker.ts's handler. Started from the snapshot
 * (snapshot-entry.ts) or, when there is none yet, from process-main.ts.
 */
import type ts from 'typescript';
import type { ToChecker, WorkerRequest, WorkerResponse } from './types.js';
import { createHandler } from './worker.js';
import { listenShared } from './shared-server.js';
import { SOCKET_ENV } from './types.js';

export function serve(registry?: ts.DocumentRegistry): void {
  const socket = process.env[SOCKET_ENV];
  if (socket) return listenShared(socket, registry);
  const send = process.send?.bind(process);
  if (!send) throw new Error('the checker process needs an IPC channel to the kernel');
  // Ctrl+C in a terminal signals the kernel's whole process group: interrupting is the executor's business.
  process.on('SIGINT', () => {});
  // The kernel is gone (even killed): nobody is left to ask.
  process.on('disconnect', () => process.exit(0));
  let handle: ((request: WorkerRequest) => void) | undefined;
  process.on('message', (message: ToChecker) => {
    if (message.kind === 'start') {
      handle = createHandler(message.data, (response: WorkerResponse) => void send(response), registry);
    } else {
      handle?.(message);
    }
  });
}
