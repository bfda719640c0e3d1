/**
 * A hub thread's side of its children's console: output and input() requests
 * of a child process whose work has an output tag (see output.ts) come to the
 * hub as frames, which hands them to these (internal/hub/child-stdio.ts).
 * So does a host's rich output (a notebook's display() in a child), which
 * loom carries without reading it.
 */
import { writeAll } from '../write-all.js';

export interface ChildIoHooks {
  /**
   * In a hub thread: console output of a child process, with the tag of the
   * work the child was running. Called in order for each child.
   * @default writes the text to this process's stdout or stderr
   */
  childOutput: (tag: string, name: 'stdout' | 'stderr', text: string) => void;
  /**
   * In a hub thread: a child process asks for a line of input (its input(),
   * which a host defines there). Resolves with the answer or rejects (the
   * child's input() throws that error); the child waits meanwhile.
   * @default rejects: there is nobody to ask
   */
  childInput: (tag: string, prompt: string, password: boolean) => Promise<string>;
  /**
   * In a hub thread: rich output a child process sent with `displayFromChild`
   * (the host's own text, e.g. a display message as JSON), with the tag of
   * the work the child was running. Called in order with childOutput.
   * Only a child whose work has an output tag can send it, so only a host
   * that tags work receives it.
   * @default writes the text to this process's stdout, on a line of its own
   */
  childDisplay: (tag: string, data: string) => void;
}

/** Mutable on purpose: a host assigns them in a thread preload, which hub threads run too. */
export const childIoHooks: ChildIoHooks = {
  childOutput: (_tag, name, text) => writeAll(name === 'stdout' ? 1 : 2, Buffer.from(text, 'utf8')),
  childInput: () => Promise.reject(new Error('input() in a child process needs a host that answers it (the loom kernel)')),
  childDisplay: (_tag, data) => writeAll(1, Buffer.from(`${data}\n`, 'utf8')),
};
