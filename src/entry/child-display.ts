/**
 * Rich output (a notebook's display()) from a loom child process whose work
 * a host tagged (a child a notebook cell started), from its main thread or
 * any of its threads: the host's text travels to the hub as a DISPLAY frame,
 * in order with the thread's console output, and the hub hands it to
 * childIoHooks.childDisplay. loom never reads the text. A host defines the
 * `display` global with it (the kernel's child preload).
 */
import { F } from '../internal/hub/protocol.js';
import { sendTaggedToHub } from './process-output.js';

/**
 * Sends `data` to the host, tagged with `tag` (default: the work this thread
 * runs now); throws when no host tagged this process's work.
 */
export function displayFromChild(data: string, tag?: string): void {
  if (!sendTaggedToHub(F.DISPLAY, data, tag)) {
    throw new Error('display() in a child process needs a notebook to show in: this process was not started from a notebook cell (its output is not routed to one)');
  }
}
