/**
 * The hub thread (internal/hub/protocol.ts): takes commands from the thread
 * that started it and runs them on its own event loop, which nothing else
 * ever blocks.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Hub } from '../hub/hub.js';
import type { HubCommand, HubInit } from '../hub/protocol.js';

const hub = new Hub((workerData as { loomHub: HubInit }).loomHub);
parentPort!.on('message', (commands: HubCommand[]) => {
  for (const command of commands) hub.command(command);
});
// Stopped by terminate() (when nothing needs it any more, or at exit): children go first.
process.on('exit', () => hub.killAll());
