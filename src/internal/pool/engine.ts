/**
 * One interface for the two ways a pool runs tasks: threads (thread-engine.ts,
 * workers from piscina pulling from a shared ring) and processes
 * (process-engine.ts, child processes fed by this process's hub thread).
 * Pool, ThreadPool and both executors are written against it once.
 *
 * Workers receive tasks without this thread's help, so a thread that
 * busy-loops or blocks in a `Sync` call still sees its tasks run; poll()
 * takes in whatever results have arrived, synchronously, which is what lets
 * `done()` and `ready()` answer truly from inside a busy loop.
 */
import { deadlineAfter, remaining } from '../wait.js';
import type { FnSpec } from '../ship/shipped.js';

/**
 * What a task does with its items: `apply` calls fn(...items) once; `map`
 * calls fn(item) for each item; `star` calls fn(...item) for each item.
 */
export type TaskKind = 'apply' | 'map' | 'star';

/** How a task ended, as the pool sees it (errors rebuilt, see error-wire.ts). */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export type EngineState = 'running' | 'closed' | 'terminated';

export interface Engine {
  /** 'thread' or 'process': what the workers are. */
  readonly kind: 'thread' | 'process';
  /** Number of workers. */
  readonly size: number;
  /** On a cluster: how many remote worker processes serve it (as last heard); absent for local engines. */
  readonly remoteWorkers?: number;
  readonly state: EngineState;
  /**
   * Queues a task; `done` is called once, on this thread, when the outcome is
   * known. Returns the task id. `tag` is the output tag the task carries (null:
   * none); by default, outputHooks.outputTag() now. A lazy imap submits later
   * than its call, maybe while other code runs, so it passes the tag of the call.
   */
  submit(fn: FnSpec, kind: TaskKind, items: unknown[], done: (outcome: Outcome) => void, tag?: string | null): number;
  /**
   * Removes a task that no worker has taken yet; false when it has started (or
   * finished), or when it already counts as running: a thread pool's first
   * tasks are each given a worker at submit (thread-engine.ts #commit), a
   * process pool's hub sends a task to each worker as it spawns.
   */
  cancel(id: number): boolean;
  /** Whether a task is still waiting for a worker (false once it counts as running, see cancel). */
  isQueued(id: number): boolean;
  /** Takes in the outcomes that have arrived, without waiting. */
  poll(): void;
  /** Blocks this thread until an outcome may have arrived or `ms` pass; call poll() afterwards. */
  sleep(ms: number): void;
  /** No more tasks; workers stop once the queued ones are done. */
  close(): void;
  /** Stops the workers now; unfinished tasks fail with PoolStateError. */
  terminate(): void;
  /**
   * Stops the tasks submitted with output tag `tag` (internal/interrupt-work.ts):
   * queued ones are removed, running ones stopped by replacing their worker;
   * each fails with Interrupted. Other tasks go on; the pool stays usable.
   */
  interruptWork(tag: string): void;
  /** Resolves once the engine is closed or terminated, its tasks are done and its workers have exited. */
  whenJoined(): Promise<void>;
  /** Blocks until the tasks of a closed engine are done and its workers are told to stop, at most `ms`; true when done. */
  joinSync(ms: number): boolean;
}

/**
 * Blocks this thread until `done()` holds or `ms` pass, taking in outcomes as
 * they arrive; true when done. The loop the Sync methods of results and
 * futures share.
 */
export function waitSyncUntil(engine: Engine, done: () => boolean, ms: number): boolean {
  const deadline = deadlineAfter(ms);
  for (;;) {
    engine.poll();
    if (done()) return true;
    const left = remaining(deadline);
    if (left <= 0) return false;
    engine.sleep(Math.min(left, 1000));
  }
}
