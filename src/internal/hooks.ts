/**
 * The places where a host (the loom kernel) plugs into the library. Plain
 * scripts never touch these; the defaults are what a script wants.
 */

/**
 * What a host says a free name of shipped code stands for (see `resolveDeclaration`):
 * - the source of a declaration, e.g. `const rate = 5;` or `function helper() {...}`;
 * - `{ value }`, the name's current value: a function or class travels as its
 *   source (with the declarations it uses), a loom shared object (Lock,
 *   Queue, Value, ...) is shared, anything else is copied as it is when the
 *   code is sent (structured clone);
 * - `{ module, imported }`, a binding of a module, which the worker requires
 *   itself: `imported` is 'default' (the module as `require` gives it), '*'
 *   (the namespace) or the name of an export.
 */
export type Declaration = string | { value: unknown } | { module: string; imported: string };

export interface LoomHooks {
  /**
   * What a free name of a function or class sent to a thread, process or
   * pool stands for (see Declaration), or undefined when the host does not
   * know it. Asked before globals and loom's own names, so a host's
   * declaration wins; the kernel answers for notebook declarations. What the
   * declaration itself uses is resolved the same way, recursively.
   * @default () => undefined
   */
  resolveDeclaration: (name: string) => Declaration | undefined;
  /**
   * Where `require()` inside shipped code resolves from (a file path: its
   * directory counts), and so the `{ module }` declarations. The kernel sets
   * the notebook's directory.
   * @default undefined: the main script (require.main), else the current directory
   */
  requireFrom: string | undefined;
  /** Absolute paths of modules every new thread requires before user code (e.g. the kernel's output routing). @default [] */
  threadPreload: string[];
  /**
   * How a thread's console output reaches stdout/stderr. `'direct'` writes
   * with fs.writeSync from the thread itself, so output is live even while the
   * starting thread busy-loops; `'node'` keeps Node's default (piped through
   * the starter's event loop, delayed while it is busy).
   * @default 'direct'
   */
  threadStdio: 'direct' | 'node';
  /**
   * Set V8's --no-concurrent-osr before the first thread starts, so a hot loop
   * that runs once in a thread gets optimised on a busy machine (see
   * internal/v8-tuning.ts for the measurements). Process-wide; set to false
   * before starting threads to keep V8's default.
   * @default true
   */
  disableConcurrentOsr: boolean;
  /**
   * Absolute paths of modules every new loom child process requires before
   * anything else, e.g. one that routes console output to a notebook cell
   * (see internal/entry/process-output.ts for where child output goes).
   * @default []
   */
  processPreload: string[];
  /**
   * How many levels of loom processes may start below the first one; a
   * process or pool started deeper throws RecursiveSpawnError, so a task that
   * starts a pool running itself cannot multiply processes without end.
   * Children inherit the limit of the process that started the tree.
   * @default 4
   */
  maxProcessDepth: number;
  /**
   * Shows the progress of a map (Pool and ThreadPool map, starmap, imap, and
   * Executor.map): called once per map, it returns what to tell as items
   * finish. The kernel shows a bar in the cell for maps that last over about a
   * second (kernel/executor/runtime/progress.ts); undefined shows nothing, and
   * `{ progress: false }` on a call turns it off for that call.
   * @default undefined (plain scripts show nothing)
   */
  progress?: (map: ProgressStart) => ProgressReporter;
}

/** Mutable on purpose: a host assigns the fields it needs once at start-up. */
export const hooks: LoomHooks = {
  resolveDeclaration: () => undefined,
  requireFrom: undefined,
  threadPreload: [],
  threadStdio: 'direct',
  disableConcurrentOsr: true,
  processPreload: [],
  maxProcessDepth: Number(process.env.LOOM_MAX_PROCESS_DEPTH) || 4,
};

/** What a map tells the progress hook when it starts. */
export interface ProgressStart {
  /** The call, e.g. 'map' or 'starmap'. */
  label: string;
  /** Items (calls of the function) in the map. */
  total: number;
  /** Workers of the pool. */
  workers: number;
  /** What the workers are. */
  workerKind: 'thread' | 'process';
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
