/**
 * Rich output in the executor's main thread: the `display` and `clearOutput`
 * globals of cells (the API is display-api.ts), sent as frames of the cell
 * whose code calls them, and the MIME bundle of a cell's result.
 */
import { sendFrame } from './channel.js';
import { currentCell } from './context.js';
import { makeDisplay, type Display, type DisplayMessage } from './display-api.js';

export { bundleOf, plainText, type Display, type DisplayHandle, type DisplayOptions } from './display-api.js';

/** The display API whose messages go to the cell with msg_id `parent`, from this thread (also a late callback's). */
export function displayInCell(parent: string): Display {
  return makeDisplay((message: DisplayMessage) => sendFrame({ ...message, parent })).display;
}

export const { display, clearOutput } = makeDisplay((message) => sendFrame({ ...message, parent: currentCell()?.parent ?? '' }));
