/**
 * The places where a host (the loom kernel) plugs into the library. Plain
 * scripts never touch these; the defaults are what a script wants.
 */
import { writeAll } from './write-all.js';

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
   * A child passes the list on to its own children.
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
  /**
   * Names where the output of work started now belongs, as an opaque tag (the
   * kernel: the cell that runs the code), or undefined. Asked when a Process
   * starts, when a pool is made and for every pool task submitted; the tag
   * travels with the work. A child process given a tag sends its console
   * output, as frames, to the hub of the thread that started it, which hands
   * it to `childOutput`; without one it writes its stdout and stderr itself.
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
   * Where an error thrown by a Thread's or a Process's run() is printed
   * ("Exception in thread NAME:" and the error). false: by the starter, when
   * the worker ends and nobody has joined it. true: by the worker itself, at
   * once, to its own stderr, as Python does (a notebook then shows it in the
   * cell, live); join() still rethrows it. Read inside the worker: a preload
   * sets it there.
   * @default false
   */
  reportErrorsInWorker: boolean;
  /**
   * In the thread that owns a thread pool: one of its worker threads has
   * exited, also when it was terminated in the middle of a task (an
   * interrupt). A host whose threads share locks of its own (the kernel's
   * output buffer) frees what that thread still held.
   * @default () => {}
   */
  threadExited: (threadId: number) => void;
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
  outputTag: () => undefined,
  enterOutputTag: () => {},
  childOutput: (_tag, name, text) => writeAll(name === 'stdout' ? 1 : 2, Buffer.from(text, 'utf8')),
  childInput: () => Promise.reject(new Error('input() in a child process needs a host that answers it (the loom kernel)')),
  reportErrorsInWorker: false,
  threadExited: () => {},
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
