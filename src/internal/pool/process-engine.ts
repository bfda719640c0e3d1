/**
 * The process engine: a pool of child processes run by this thread's hub
 * (internal/hub). Tasks go to the hub at once, which feeds them to idle
 * workers; results come back as hub events, taken in by poll() or by the
 * event loop, whichever comes first.
 */
import { BrokenWorkerError, Interrupted, PoolStateError } from '../../errors.js';
import { childExecArgv } from '../hub/child.js';
import { hubClient, nextHubId, type HubClient, type HubListener } from '../hub/client.js';
import type { PoolWorkerInit } from '../hub/protocol.js';
import { outputHooks } from '../host/output.js';
import { processHooks } from '../host/processes.js';
import { threadHooks } from '../host/threads.js';
import { watchInterrupts } from '../interrupt-work.js';
import { heardInterrupts } from '../interrupt-broadcast.js';
import { decode, encode, isPlain } from '../share/encode.js';
import type { Engine, EngineState, Outcome, TaskKind } from './engine.js';
import { waitSyncUntil } from './engine.js';
import { fnKey } from './fn-ref.js';
import type { FnSpec } from '../ship/shipped.js';
import { newTaskId } from './task-id.js';
import { inboundFromProcess, KINDS, outboundForProcess, outcomeOf, writeForProcess } from './process-wire.js';
import { Writer } from '../wire-codec.js';

export interface ProcessEngineOptions {
  size: number;
  initializer?: FnSpec;
  initargs: unknown[];
  maxTasks: number;
  execArgv: string[];
  identity: number[];
}

export class ProcessEngine implements Engine {
  readonly kind = 'process' as const;
  readonly size: number;
  #state: EngineState = 'running';
  readonly #hub: HubClient;
  readonly #id = nextHubId();
  readonly #pending = new Map<number, (outcome: Outcome) => void>();
  /** The output tag of each pending task that has one: what interruptWork(tag) stops. */
  readonly #tags = new Map<number, string>();
  readonly #unwatch = watchInterrupts(this);
  readonly #fnIds = new Map<string, number>();
  readonly #writer = new Writer();
  #exited = false;
  readonly #joined: Promise<void>;
  #markJoined!: () => void;

  constructor(options: ProcessEngineOptions) {
    this.size = options.size;
    this.#joined = new Promise((resolve) => (this.#markJoined = resolve));
    this.#hub = hubClient();
    this.#hub.acquire();
    this.#hub.listen(this.#id, this.#onEvent);
    const init: PoolWorkerInit = {
      mode: 'pool', name: '', preload: processHooks.processPreload, threadStdio: threadHooks.threadStdio, identity: options.identity, tag: outputHooks.outputTag(),
      initializer: options.initializer, initargs: outboundForProcess(options.initargs, 'initargs') as unknown[],
    };
    this.#hub.send({ t: 'pool-open', pool: this.#id, size: options.size, init, maxTasks: options.maxTasks, execArgv: childExecArgv(options.execArgv) });
  }

  get state(): EngineState {
    return this.#state;
  }

  readonly #onEvent: HubListener = (event) => {
    switch (event.t) {
      case 'result':
        this.#take(event.task)?.(outcomeOf(event.ok, event.body));
        return;
      case 'broken': {
        this.#take(event.task)?.({ ok: false, error: new BrokenWorkerError(event.reason) });
        return;
      }
      case 'interrupted': {
        this.#take(event.task)?.({ ok: false, error: new Interrupted() });
        return;
      }
      case 'pool-exited': return this.#finish();
      case 'hub-failed': {
        const unfinished = [...this.#pending.keys()];
        for (const id of unfinished) this.#take(id)?.({ ok: false, error: new BrokenWorkerError(event.reason) });
        if (this.#state === 'running') this.#hub.hold();
        this.#state = 'terminated';
        return this.#finish();
      }
    }
  };

  #take(id: number): ((outcome: Outcome) => void) | undefined {
    const done = this.#pending.get(id);
    if (!done) return undefined;
    this.#pending.delete(id);
    this.#tags.delete(id);
    if (this.#pending.size === 0) this.#hub.unhold();
    return done;
  }

  #finish(): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#unwatch();
    if (this.#state !== 'running') this.#hub.unhold();
    this.#hub.unlisten(this.#id);
    this.#hub.release();
    this.#markJoined();
  }

  #fnId(spec: FnSpec): number {
    const key = fnKey(spec);
    let id = this.#fnIds.get(key);
    if (id === undefined) {
      id = this.#fnIds.size + 1;
      this.#fnIds.set(key, id);
      this.#hub.send({ t: 'pool-fn', pool: this.#id, fn: id, spec });
    }
    return id;
  }

  submit(fn: FnSpec, kind: TaskKind, items: unknown[], done: (outcome: Outcome) => void, given?: string | null): number {
    if (this.#state !== 'running') throw new PoolStateError(`the pool is ${this.#state}: it takes no new tasks`);
    // The task's output goes where it was submitted (its tag), whichever worker runs it.
    const tag = given === undefined ? outputHooks.outputTag() : (given ?? undefined);
    const head = this.#writer.reset().u8(KINDS.indexOf(kind)).string(tag ?? '');
    const body = writeForProcess(head, items, 'args').takeOwned();
    const id = newTaskId();
    const fnId = this.#fnId(fn);
    if (this.#pending.size === 0) this.#hub.hold();
    this.#pending.set(id, done);
    if (tag !== undefined) this.#tags.set(id, tag);
    this.#hub.send({ t: 'pool-task', pool: this.#id, task: id, fn: fnId, body }, [body.buffer as ArrayBuffer]);
    return id;
  }

  cancel(id: number): boolean {
    if (!this.#pending.has(id) || this.#exited) return false;
    const removed = this.#hub.request({ t: 'pool-cancel', pool: this.#id, task: id, req: nextHubId() }) === true;
    if (removed) this.#take(id);
    return removed;
  }

  interruptWork(tag: string): void {
    if (this.#exited) return;
    const tasks = [...this.#tags].filter(([, of]) => of === tag).map(([id]) => id);
    if (tasks.length === 0) return;
    // The hub drops the queued ones and kills the workers running the others (it replaces them).
    this.#hub.send({ t: 'pool-interrupt', pool: this.#id, tasks });
    this.#hub.flush();
    // Settled here and now: a result or a 'broken' that arrives for them later finds nothing pending.
    for (const id of tasks) this.#take(id)?.({ ok: false, error: new Interrupted() });
  }

  isQueued(id: number): boolean {
    if (!this.#pending.has(id) || this.#exited) return false;
    return this.#hub.request({ t: 'pool-queued', pool: this.#id, task: id, req: nextHubId() }) === true;
  }

  poll(): void {
    heardInterrupts();
    this.#hub.drain();
  }

  sleep(ms: number): void {
    this.#hub.sleep(ms);
  }

  /** Until the workers have exited, the process stays alive (as Python joins its pool's workers). */
  close(): void {
    if (this.#state !== 'running') return;
    this.#state = 'closed';
    if (!this.#exited) this.#hub.hold();
    this.#hub.send({ t: 'pool-close', pool: this.#id });
  }

  terminate(): void {
    if (this.#state === 'terminated') return;
    if (this.#state === 'running' && !this.#exited) this.#hub.hold();
    this.#state = 'terminated';
    if (!this.#exited) this.#hub.send({ t: 'pool-terminate', pool: this.#id });
    const unfinished = [...this.#pending.keys()];
    for (const id of unfinished) this.#take(id)?.({ ok: false, error: new PoolStateError('the pool was terminated before this task finished') });
  }

  whenJoined(): Promise<void> {
    return this.#joined;
  }

  joinSync(ms: number): boolean {
    return waitSyncUntil(this, () => this.#exited, ms);
  }
}
