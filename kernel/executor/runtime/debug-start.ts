/**
 * Turning the debugger on in the executor (the kernel's `debug_start`
 * command, sent when a client attaches): starts the relay thread
 * (debug-relay.ts) once, and gives the kernel's debugger what it needs from
 * this thread: a value's MIME bundle as a cell would display it (the variable
 * explorer's rich view), under a symbol no cell's name can collide with.
 * Nothing of this exists until a client turns the debugger on.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEBUG_FD, DEBUG_HELPERS, RELAY_NAME } from '../messages.js';
import { bundleOf } from './display.js';

let relay: Worker | undefined;

export function startDebugging(): void {
  if (relay) return;
  Object.defineProperty(globalThis, Symbol.for(DEBUG_HELPERS), {
    value: Object.freeze({ bundle: (value: unknown) => JSON.stringify(bundleOf(value)) }),
    enumerable: false,
  });
  relay = new Worker(join(__dirname, 'debug-relay.js'), { workerData: { fd: DEBUG_FD }, name: RELAY_NAME });
  // The executor ends when the kernel says so, whatever the relay does.
  relay.unref();
  relay.on('error', (error) => process.stderr.write(`loom executor: the debug relay failed: ${error.message}\n`));
}
