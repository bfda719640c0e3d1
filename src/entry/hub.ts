/**
 * The hub thread (internal/hub/protocol.ts): takes commands from the thread
 * that started it and runs them on its own event loop, which nothing else
 * ever blocks.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { threadHooks } from '../internal/host/threads.js';
import { Hub } from '../internal/hub/hub.js';
import { hearInterrupts } from '../internal/interrupt-broadcast.js';
import type { HubCommand, HubInit } from '../internal/hub/protocol.js';
import { loadKindsOnDemand } from './kinds.js';
import { routeThreadOutputInChild } from './process-output.js';

const init = (workerData as { loomHub: HubInit }).loomHub;
// In a child process whose output goes to its own hub, the output of its children goes there too.
routeThreadOutputInChild();
// A host's thread preloads run here too: they set where child output and input go (childIoHooks.childOutput, childInput).
threadHooks.threadPreload = init.preload;
for (const file of init.preload) require(file);

// The hub revives the objects it serves to children (a Lock, a Value): their modules load as they first arrive.
loadKindsOnDemand();
const hub = new Hub(init);
parentPort!.on('message', (commands: HubCommand[]) => {
  for (const command of commands) hub.command(command);
});
// An interrupt in any thread stops this hub's tagged work at once, however busy the thread that owns it is.
hearInterrupts((tag) => hub.interruptTag(tag));
// Stopped by terminate() (when nothing needs it any more, or at exit): children go first.
process.on('exit', () => hub.killAll());
