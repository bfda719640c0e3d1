/**
 * The executor's hub threads pass on what child processes display
 * (childIoHooks.childDisplay): each message, a display or clear as JSON from
 * child-display.ts, becomes a frame of the cell its tag names, in the shared
 * output buffer, after the child's console output that came before it.
 * Imported by process-output.ts, which routes the children's other output.
 */
import { childIoHooks } from '../../../src/host/index.js';
import type { DisplayMessage } from './display-api.js';
import { sendFrameNow, sharedOutput } from './worker-frames.js';

if (sharedOutput !== undefined) {
  childIoHooks.childDisplay = (cell, data) => sendFrameNow({ ...(JSON.parse(data) as DisplayMessage), parent: cell });
}
