/**
 * The contract between a thread, its hub, and the child processes the hub
 * starts (one file, so every side reads the same; piscina's types.ts).
 *
 *   thread ──commands──▶ hub (worker thread) ──frames on fd 3──▶ child process
 *   thread ◀──events──── hub                 ◀──frames on fd 3── child process
 *
 * The hub is a worker thread that owns every child process a thread starts:
 * it spawns them, feeds pool tasks to idle workers, collects results, serves
 * multiprocessing Queues to children and sees them exit, all on its own event
 * loop. So a thread that busy-loops or blocks still has its tasks dispatched
 * and its children looked after; it reads the hub's events whenever it asks
 * (receiveMessageOnPort), woken by a counter in shared memory (MAIL).
 *
 * A child process gets the file descriptors of internal/fd-table.ts:
 *   fd 0  ignored (Python's children read /dev/null)
 *   fd 1, 2  the parent's stdout and stderr, inherited: a child started
 *            without an output tag (a plain script) writes its output there,
 *            live; a child with one sends it as OUTPUT frames on fd 3
 *            instead (entry/process-output.ts), and the hub hands it to
 *            childIoHooks.childOutput
 *   fd 3  CONTROL_FD, a socket to the hub: frames both ways, read and written
 *         by the child's main thread with blocking fs calls
 *   fd 4  LIFELINE_FD: the hub never writes it; EOF means the parent process
 *         is gone, and the child's helper thread then kills the child
 */
import type { MessagePort } from 'node:worker_threads';
import type { SharedForm } from '../share/registry.js';
import type { FnSpec } from '../ship/shipped.js';
import type { ThreadJob } from '../thread/messages.js';

export { CONTROL_FD, LIFELINE_FD } from '../fd-table.js';

// ---------------------------------------------------------------- frames on fd 3

/** Every frame: u32 length of what follows, u8 kind, u32 a, u32 b, then the body. */
export const FRAME_HEAD = 13;

/** Hub → child. */
export const F = {
  /** body: v8 ChildInit. The first frame a child reads. */
  INIT: 1,
  /** a = function number; body: v8 FnSpec. Sent before the first task that names it. */
  DEFINE: 2,
  /** a = task id, b = function number; body: wire-codec u8 kind (0 apply, 1 map, 2 star), string output tag ('' for none), then the items. */
  TASK: 3,
  /** Finish the tasks already sent, then exit (pool closing, or maxtasksperchild reached). */
  STOP: 4,
  /** a = request id, b = QueueStatus; body: the answer (see queue ops). */
  Q_REPLY: 5,
  /** The answer to INPUT. b = 0: body is the line (UTF-8); b = 1: body is a v8 SerializedError to throw. */
  INPUT_REPLY: 6,
  /** The answer to OBJ_OP: a = request id, b = 0 ok (body: v8 value) or 1 error (body: v8 SerializedError). */
  OBJ_REPLY: 7,
  /**
   * a = 0: probably a Process, 1: probably pool work (what the last start was); no body. Sent to a
   * spare child (spare.ts) before anything else: load what that work needs, then wait for INIT,
   * which may come much later (and may be the other kind: then it loads the rest as a fresh child does).
   */
  SPARE: 8,

  /**
   * Child → hub. Pool mode: b = 0 ready, 1 the pool initializer threw (body: v8 SerializedError).
   * Process mode: sent once INIT is read (the child has booted: the hub may spawn a spare now).
   */
  READY: 20,
  /** a = task id, b = 0 ok (body: wire-codec value) or 1 error (body: v8 SerializedError). */
  RESULT: 21,
  /**
   * Process mode: run() has returned; b = 0 ok, 1 threw (body: v8 SerializedError);
   * a = 1 when the child has printed the error itself (outputHooks.reportErrorsInWorker).
   */
  FINISHED: 22,
  /** a = request id (0: no answer wanted), b = QueueOp; body: see queue ops. */
  Q_OP: 23,
  /** Console output. a = 1 stdout, 2 stderr; b = byte length of the tag; body: the tag, then the text (UTF-8, whole characters). */
  OUTPUT: 24,
  /** input(prompt): a = 1 for a password; b = byte length of the tag; body: the tag, then the prompt. Answered by INPUT_REPLY. */
  INPUT: 25,
  /**
   * An operation on a served object (share/served.ts): a = request id (0: no answer wanted);
   * body: u32 object id, then v8 [op, args]. Answered by OBJ_REPLY.
   */
  OBJ_OP: 26,
  /**
   * Rich output for a host (a notebook's display()): b = byte length of the tag; body: the tag, then
   * UTF-8 text the host defines (the kernel: a display message as JSON). In order with OUTPUT; no answer.
   */
  DISPLAY: 27,
  /**
   * A spare child (spare.ts) has loaded what SPARE asked and waits for its INIT: the time it
   * may wait unused counts from now. No body; a spare taken before it sent this sends it all
   * the same, and its work's handlers ignore it.
   */
  SPARE_READY: 28,
} as const;

/** What a queue operation from a child asks (Q_OP's b). Bodies start with u32 queue id. */
export const Q = {
  /** body: u32 queue, f64 timeout ms (-1: do not block), u8 tag, payload (queue codec). Answered only when the queue is bounded. */
  PUT: 1,
  /**
   * body: u32 queue, f64 timeout ms (-1: do not block), u32 most items wanted. Answer: u32 count, then
   * count x (u32 length, u8 tag, payload). More than one only for a child that is the queue's one remote
   * reader and reads fast (see queue-service.ts); it hands back what it did not use (RETURN).
   */
  GET: 2,
  /** body: u32 queue. Answer: f64 count. */
  QSIZE: 3,
  /** body: u32 queue. Not answered. */
  TASK_DONE: 4,
  /** body: u32 queue. Answered when every item put has been marked done. */
  JOIN: 5,
  /** body: u32 queue, f64 timeout ms. Answer: u8 1 when an item is there (Connection.poll). */
  POLL: 6,
  /** body: u32 queue, f64 0, u32 count, count x (u32 length, u8 tag, payload): items a GET gave and the child did not use. */
  RETURN: 7,
} as const;

/** Q_REPLY's b. */
export const QS = { OK: 0, EMPTY: 1, FULL: 2, ERROR: 3 } as const;

/** What a child process does, sent in its INIT frame. */
export type ChildInit = ProcessInit | PoolWorkerInit;

interface InitCommon {
  /** Modules to require before anything else (processHooks.processPreload of the parent). */
  preload: string[];
  /** The parent's threadHooks.threadStdio, for threads the child starts. */
  threadStdio: 'direct' | 'node';
  /** Process name parts (Python's _identity), e.g. [1, 2] for "Process-1:2". */
  identity: number[];
  /**
   * outputHooks.outputTag() of the starter: where the output of a Process belongs, or
   * of a pool worker outside its tasks (each task carries its own). Undefined:
   * the child writes fd 1 and 2 itself.
   */
  tag?: string;
}

export interface ProcessInit extends InitCommon {
  mode: 'process';
  job: ProcessJob;
}

/** A Process to run: a Thread's job, with args and fields encoded for a process. */
export type ProcessJob = ThreadJob;

export interface PoolWorkerInit extends InitCommon {
  mode: 'pool';
  /** "PoolWorker-3" etc.: currentProcess().name inside. */
  name: string;
  initializer?: FnSpec;
  /** Encoded for a process. */
  initargs: unknown[];
}

// ---------------------------------------------------------------- thread → hub (worker.postMessage, in arrays: one per turn)

/**
 * The starter's process.env and process.cwd() as start() ran, which its child
 * gets (Python's spawn reads os.environ then too); client.ts adds it to every
 * command that spawns. A hub thread's own process.env is a copy made when it started.
 */
export interface SpawnContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type HubCommand =
  | { t: 'pool-open'; pool: number; size: number; init: PoolWorkerInit; maxTasks: number; execArgv: string[]; context?: SpawnContext }
  | { t: 'pool-fn'; pool: number; fn: number; spec: FnSpec }
  | { t: 'pool-task'; pool: number; task: number; fn: number; body: Uint8Array }
  /** Answered with a reply: true when the task was still queued and is now removed. */
  | { t: 'pool-cancel'; pool: number; task: number; req: number }
  /** Answered with a reply: true when the task is still queued. */
  | { t: 'pool-queued'; pool: number; task: number; req: number }
  /** Stop these tasks (an interrupt): drop the queued ones, kill the workers running the others (replaced as usual). */
  | { t: 'pool-interrupt'; pool: number; tasks: number[] }
  | { t: 'pool-close'; pool: number }
  | { t: 'pool-terminate'; pool: number }
  /**
   * Nothing uses the hub any more: it kills its children (its spare child, if
   * nothing else) and its thread ends once they have all exited, so a hub's
   * thread gone means its children gone (client.ts release).
   */
  | { t: 'stop' }
  | { t: 'proc-start'; proc: number; control: SharedArrayBuffer; init: ProcessInit; execArgv: string[]; context?: SpawnContext }
  /** The shared memory of a multiprocessing queue this hub serves to its children. */
  | { t: 'queue-serve'; queue: number; buffer: SharedArrayBuffer }
  /** An object this hub serves to its children (share/served.ts): its form for a thread, revived in the hub at first use. */
  | { t: 'object-serve'; object: number; form: SharedForm };

// ---------------------------------------------------------------- hub → thread (events port, in arrays: one per turn, then MAIL += 1)

export type HubEvent =
  | { t: 'result'; pool: number; task: number; ok: boolean; body: Uint8Array }
  /** The worker running the task died, or workers cannot start at all. */
  | { t: 'broken'; pool: number; task: number; reason: string }
  /** The task was stopped by an interrupt of its tag that the hub heard itself (interrupt-broadcast.ts). */
  | { t: 'interrupted'; pool: number; task: number }
  | { t: 'pool-exited'; pool: number }
  | { t: 'reply'; req: number; value: unknown }
  /** `reported`: the child printed the error itself. */
  | { t: 'proc-finished'; proc: number; error?: Uint8Array; reported?: boolean }
  | { t: 'proc-exit'; proc: number; code: number }
  /** A child spawned; `spare`: a spare (spare.ts), not counted as a live child until it is given work (another 'spawned'). */
  | { t: 'spawned'; pid: number; spare?: boolean }
  | { t: 'reaped'; pid: number };

/** Int32 cells of a Process's control block, shared by its thread and the hub. */
export const PC = {
  /** 0 new, 1 running (set by start()), 2 finished (set by the hub when the process has exited). */
  STATE: 0,
  PID: 1,
  /** The exit code, or -N when killed by signal N (Python's exitcode). Valid once STATE is 2. */
  EXIT: 2,
  CELLS: 4,
} as const;

/** `workerData.loomHub` of a hub thread. */
export interface HubInit {
  events: MessagePort;
  /** Int32 [0]: bumped after every event. */
  mail: SharedArrayBuffer;
  /** This process's depth in the tree of loom processes (children get one more). */
  depth: number;
  maxDepth: number;
  /** threadHooks.threadPreload of the starter: the hub is a thread too (a host sets childIoHooks.childOutput and childInput there). */
  preload: string[];
}
