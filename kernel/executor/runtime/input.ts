/**
 * input(prompt), the global cells call, blocks like Python's: it asks the
 * frontend over the stdin channel (ask-line.ts) and waits for the answer
 * synchronously, so a cell needs no await for it.
 */
import { pause, sendFrame } from './channel.js';
import { askLine } from './ask-line.js';
import { currentCell, interruptible } from './context.js';
import { KeyboardInterrupt, StdinNotImplementedError } from './errors.js';

export { prepareInput } from './ask-line.js';

export interface InputOptions {
  /** Ask the frontend to hide what is typed. */
  password?: boolean;
}

/** How long input() waits for the SIGINT that follows `input_interrupted`; it normally comes within milliseconds. */
const SIGINT_GRACE_MS = 1000;

export function input(prompt = '', options: InputOptions = {}): string {
  const cell = currentCell();
  if (!cell?.allowStdin) throw new StdinNotImplementedError();
  try {
    return askLine(cell.parent, String(prompt), options.password === true, sendFrame);
  } catch (error) {
    if (error instanceof KeyboardInterrupt) interrupted();
    throw error;
  }
}

/**
 * The kernel follows `input_interrupted` with SIGINT. In synchronous cell code, wait for
 * it: vm's watchdog then stops the cell. Throwing at once would let the script
 * end before the watchdog's thread has taken the signal, and Node (20) then
 * hands that signal to the next script run, interrupting the next cell.
 */
function interrupted(): never {
  if (interruptible()) pause(SIGINT_GRACE_MS);
  throw new KeyboardInterrupt();
}
