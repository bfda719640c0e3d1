/**
 * The local pool of a `loom worker`: its child processes, run by a Hub on the
 * worker's own main thread rather than in a hub thread of their own.
 *
 * A notebook's thread needs its hub in another thread: its cell may busy-loop
 * or block, and the children must still be served. The worker's main thread
 * never runs user code (that is the point of the local pool: CLUSTER.md, "the
 * lease trap"); it only waits on Redis and on the children. A hub thread there
 * would be two hand-offs more per task (main -> hub thread -> child, and back),
 * each a thread to wake on busy cores, for nothing. The Hub is the same one
 * (internal/hub/hub.ts): the same children, dispatch, replacement of a dead
 * child (BrokenWorkerError for its task), interrupts and output relay; its
 * events reach this pool in the same turn, through a port stand-in.
 */
import type { MessagePort } from 'node:worker_threads';
import { BrokenWorkerError, Interrupted, PoolStateError } from '../../errors.js';
import { childExecArgv } from '../hub/child.js';
import { processHooks } from '../host/processes.js';
import { threadHooks } from '../host/threads.js';
import { Hub } from '../hub/hub.js';
import type { HubEvent, PoolWorkerInit } from '../hub/protocol.js';
import type { Outcome, TaskKind } from '../pool/engine.js';
import { fnKey } from '../pool/fn-ref.js';
import { KINDS, outcomeOf, writeForProcess } from '../pool/process-wire.js';
import { newTaskId } from '../pool/task-id.js';
import { processDepth } from '../spawn-guard.js';
import type { FnSpec } from '../ship/shipped.js';
import { Writer } from '../wire-codec.js';

/** The one pool of this hub (ids are per hub). */
const POOL = 1;

export class WorkerPool {
  readonly size: number;
  #state: 'running' | 'closed' = 'running';
  readonly #hub: Hub;
  readonly #pending = new Map<number, (outcome: Outcome) => void>();
  /** Each task's output tag: what interruptWork(tag) stops. */
  readonly #tags = new Map<number, string>();
  readonly #fnIds = new Map<string, number>();
  readonly #writer = new Writer();
  readonly #joined: Promise<void>;
  #markJoined!: () => void;
  readonly #killAll = (): void => this.#hub.killAll();

  constructor(size: number) {
    this.size = size;
    this.#joined = new Promise((resolve) => (this.#markJoined = resolve));
    // The Hub posts its events in batches, once per turn; taken here as they are posted (same thread: nothing to copy or wake).
    const events = { postMessage: (batch: HubEvent[]) => batch.forEach(this.#onEvent) } as unknown as MessagePort;
    this.#hub = new Hub({ events, mail: new SharedArrayBuffer(4), depth: processDepth(), maxDepth: processHooks.maxProcessDepth, preload: threadHooks.threadPreload });
    // The children die with this process (their lifelines too; this is quicker).
    process.on('exit', this.#killAll);
    const init: PoolWorkerInit = { mode: 'pool', name: '', preload: processHooks.processPreload, threadStdio: threadHooks.threadStdio, identity: [], tag: undefined, initargs: [] };
    this.#hub.command({ t: 'pool-open', pool: POOL, size, init, maxTasks: 0, execArgv: childExecArgv([]) });
  }

  /** 'running' until close(); a pool whose children die as they start stays running and fails each task (as a local Pool does). */
  get state(): 'running' | 'closed' {
    return this.#state;
  }

  readonly #onEvent = (event: HubEvent): void => {
    if (!('pool' in event) || event.pool !== POOL) return;
    switch (event.t) {
      case 'result':
        this.#take(event.task)?.(outcomeOf(event.ok, event.body));
        return;
      case 'broken':
        return this.#take(event.task)?.({ ok: false, error: new BrokenWorkerError(event.reason) });
      case 'interrupted':
        return this.#take(event.task)?.({ ok: false, error: new Interrupted() });
      case 'pool-exited':
        process.off('exit', this.#killAll);
        return this.#markJoined();
    }
  };

  #take(id: number): ((outcome: Outcome) => void) | undefined {
    const done = this.#pending.get(id);
    if (!done) return undefined;
    this.#pending.delete(id);
    this.#tags.delete(id);
    return done;
  }

  #fnId(spec: FnSpec): number {
    const key = fnKey(spec);
    let id = this.#fnIds.get(key);
    if (id === undefined) {
      id = this.#fnIds.size + 1;
      this.#fnIds.set(key, id);
      this.#hub.command({ t: 'pool-fn', pool: POOL, fn: id, spec });
    }
    return id;
  }

  /** Runs a task in a child; `tag` is where its output belongs (and what interruptWork names). */
  run(fn: FnSpec, kind: TaskKind, items: unknown[], tag: string): Promise<Outcome> {
    if (this.#state !== 'running') return Promise.resolve({ ok: false, error: new PoolStateError('the pool is closed: it takes no new tasks') });
    const head = this.#writer.reset().u8(KINDS.indexOf(kind)).string(tag);
    let body: Uint8Array;
    try {
      body = writeForProcess(head, items, 'args').takeOwned();
    } catch (error) {
      return Promise.resolve({ ok: false, error });
    }
    const id = newTaskId();
    const fnId = this.#fnId(fn);
    this.#tags.set(id, tag);
    return new Promise((settle) => {
      this.#pending.set(id, settle);
      this.#hub.command({ t: 'pool-task', pool: POOL, task: id, fn: fnId, body });
    });
  }

  /** Stops the tasks of `tag`: the child running one is replaced; each fails with Interrupted. */
  interruptWork(tag: string): void {
    const tasks = [...this.#tags].filter(([, of]) => of === tag).map(([id]) => id);
    if (tasks.length === 0) return;
    this.#hub.command({ t: 'pool-interrupt', pool: POOL, tasks });
    for (const id of tasks) this.#take(id)?.({ ok: false, error: new Interrupted() });
  }

  /** No more tasks; the children exit once the running ones are done. */
  close(): void {
    if (this.#state !== 'running') return;
    this.#state = 'closed';
    this.#hub.command({ t: 'pool-close', pool: POOL });
  }

  /** Resolves once closed and every child has exited. */
  whenJoined(): Promise<void> {
    return this.#joined;
  }
}
