/**
 * Preloaded into every loom child process that code in the executor starts
 * (processHooks.processPreload; a child passes it on to its own children). The
 * child's console output already goes to its cell: the library sends it to
 * the hub tagged with the cell (process-output.ts takes it from there). This
 * adds what a cell's code may expect in the child: input(), which asks the
 * frontend through the hub and blocks the child's main thread meanwhile,
 * KeyboardInterrupt and StdinNotImplementedError as globals, and an error
 * thrown by run() printed at once, to the cell, as Python's child does.
 */
import { inputFromParent, outputHooks } from '../../../src/host/index.js';
import { KeyboardInterrupt, StdinNotImplementedError } from './errors.js';
import type { InputOptions } from './input.js';

function childInput(prompt = '', options: InputOptions = {}): string {
  try {
    return inputFromParent(String(prompt), options.password === true);
  } catch (error) {
    // The executor's errors arrive rebuilt as RemoteError under their own name: give them their class back.
    const name = (error as Error | undefined)?.name;
    if (name === 'KeyboardInterrupt') throw new KeyboardInterrupt();
    if (name === 'StdinNotImplementedError') throw new StdinNotImplementedError();
    throw error;
  }
}

outputHooks.reportErrorsInWorker = true;
Object.assign(globalThis, { input: childInput, KeyboardInterrupt, StdinNotImplementedError });
import './child-display.js';
import './worker-modules.js';
