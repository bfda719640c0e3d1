/**
 * Preloaded into every thread of the executor that loom starts; it is the hub
 * threads that use it. A child process started from a cell sends its console
 * output and its input() prompts to its hub, each tagged with the cell it
 * belongs to (the library's outputHooks.outputTag, asked when the process started
 * or the pool task was submitted). Here the output becomes that cell's stream
 * frames in the shared output buffer, live and in order per child, and a
 * prompt becomes that cell's input request, answered without blocking the
 * hub, which goes on serving the other children meanwhile.
 */
import { join } from 'node:path';
import { childIoHooks, processHooks } from '../../../src/host/index.js';
import { askLineAsync } from './ask-line.js';
import { KeyboardInterrupt } from './errors.js';
import { sendFrameNow, sendStream, sharedOutput } from './worker-frames.js';

/** What every child process a cell starts requires first (processHooks.processPreload). */
const CHILD_PRELOAD = join(__dirname, 'child-process.js');

/** As in thread-input.ts: an interrupted child's input() throws a moment later, once the cell's own code has been stopped. */
const INTERRUPT_DELAY_MS = 200;

async function afterInterrupt(error: unknown): Promise<never> {
  if (error instanceof KeyboardInterrupt) await new Promise((resolve) => setTimeout(resolve, INTERRUPT_DELAY_MS));
  throw error;
}

if (sharedOutput !== undefined) {
  childIoHooks.childOutput = (cell, name, text) => sendStream(cell, name, text);
  childIoHooks.childInput = (cell, prompt, password) => askLineAsync(cell, prompt, password, sendFrameNow).catch(afterInterrupt);
  // Processes this thread starts get what the executor's own get.
  processHooks.processPreload = [CHILD_PRELOAD];
}
import './hub-display.js';
