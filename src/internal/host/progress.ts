/**
 * Progress of maps (Pool and ThreadPool map, starmap, imap, and
 * Executor.map): display/map-progress.ts tells the host's reporter as items
 * finish.
 */

/** What a map tells the progress hook when it starts. */
export interface ProgressStart {
  /** The call, e.g. 'map' or 'starmap'. */
  label: string;
  /** Items (calls of the function) in the map; undefined while not known (an imap reading an iterable as it goes). */
  total: number | undefined;
  /** Workers of the pool. */
  workers: number;
  /** What the workers are. */
  workerKind: 'thread' | 'process';
  /** On a cluster (loom/distributed): how many `loom worker` processes run the pool's processes. Absent for a local pool. */
  remoteWorkers?: number;
}

/** How a map reports to the progress hook, on the thread that started it. */
export interface ProgressReporter {
  /** `done` items have finished (called again as more finish; never goes down). */
  update(done: number): void;
  /**
   * The map is over: 'done' (every item), 'failed' (an item threw; the map's
   * result rejects) or 'stopped' (the caller stopped reading and the calls not
   * started were cancelled). Called once; no update follows.
   */
  finish(how: 'done' | 'failed' | 'stopped', done: number): void;
}

export interface ProgressHooks {
  /**
   * Shows the progress of a map: called once per map, it returns what to
   * tell as items finish. The kernel shows a bar in the cell for maps that
   * last over about a second (kernel/executor/runtime/progress.ts); undefined
   * shows nothing, and `{ progress: false }` on a call turns it off for that
   * call.
   * @default undefined (plain scripts show nothing)
   */
  progress?: (map: ProgressStart) => ProgressReporter;
}

/** Mutable on purpose: a host assigns it once at start-up. */
export const progressHooks: ProgressHooks = {};
