/**
 * Where the output of work goes: work is tagged with where it belongs when
 * it starts (the kernel: the cell), the tag travels with it to threads,
 * pool tasks and child processes, and an error a worker's run() throws can
 * be printed by the worker itself, live.
 */

export interface OutputHooks {
  /**
   * Names where the output of work started now belongs, as an opaque tag (the
   * kernel: the cell that runs the code), or undefined. Asked when a Process
   * starts, when a pool is made and for every pool task submitted; the tag
   * travels with the work. A child process given a tag sends its console
   * output, as frames, to the hub of the thread that started it, which hands
   * it to `childIoHooks.childOutput`; without one it writes its stdout and
   * stderr itself.
   * @default () => undefined
   */
  outputTag: () => string | undefined;
  /**
   * Inside a pool's worker thread: called with the tag of each task just
   * before it runs, so that a preload can send the task's output where the
   * task was submitted.
   * @default () => {}
   */
  enterOutputTag: (tag: string | undefined) => void;
  /**
   * Where an error thrown by a Thread's or a Process's run() is printed
   * ("Exception in thread NAME:" and the error). false: by the starter, when
   * the worker ends and nobody has joined it. true: by the worker itself, at
   * once, to its own stderr, as Python does (a notebook then shows it in the
   * cell, live); join() still rethrows it. Read inside the worker: a preload
   * sets it there.
   * @default false
   */
  reportErrorsInWorker: boolean;
}

/** Mutable on purpose: a host assigns the fields it needs once at start-up (and in its preloads). */
export const outputHooks: OutputHooks = {
  outputTag: () => undefined,
  enterOutputTag: () => {},
  reportErrorsInWorker: false,
};
