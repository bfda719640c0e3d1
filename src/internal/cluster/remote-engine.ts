/**
 * The remote engine: a pool's tasks as BullMQ jobs on a cluster's Redis, run
 * by `loom worker` processes. One job per submit (a map chunk is one job).
 * Everything goes through the cluster's link thread (link-client.ts), whose
 * outcomes this thread takes in by poll() or on its event loop, whichever
 * comes first, as the process engine does with its hub.
 */
import { BackendError, BackendLostError, BrokenWorkerError, Interrupted, PoolStateError } from '../../errors.js';
import { outputHooks } from '../host/output.js';
import { heardInterrupts } from '../interrupt-broadcast.js';
import { watchInterrupts } from '../interrupt-work.js';
import type { Engine, EngineState, Outcome, TaskKind } from '../pool/engine.js';
import { waitSyncUntil } from '../pool/engine.js';
import { newTaskId } from '../pool/task-id.js';
import type { FnSpec } from '../ship/shipped.js';
import { makeJob, readError, readResult } from './jobs.js';
import type { ClusterLinkClient } from './link-client.js';
import type { JobEvent } from './link-protocol.js';

/** Sync calls to the link (cancel, isQueued) give up after this long: Redis is away. */
const SYNC_MS = 30_000;
const STALLED = 'job stalled more than allowable limit';

let lastOwner = 0;

export interface RemoteEngineOptions {
  link: ClusterLinkClient;
  size: number;
  /** How many `loom worker` processes were connected when the pool started (for the progress bar); undefined: not known yet. */
  remoteWorkers: number | undefined;
  secret: string | Buffer | undefined;
}

export class RemoteEngine implements Engine {
  readonly kind = 'process' as const;
  readonly size: number;
  #remoteWorkers: number | undefined;
  #state: EngineState = 'running';
  readonly #link: ClusterLinkClient;
  readonly #secret: string | Buffer | undefined;
  readonly #owner = ++lastOwner;
  readonly #pending = new Map<number, (outcome: Outcome) => void>();
  readonly #tags = new Map<number, string>();
  readonly #unwatch = watchInterrupts(this);
  #joined = false;
  readonly #whenJoined: Promise<void>;
  #markJoined!: () => void;
  #stopping: Promise<unknown> = Promise.resolve();

  constructor(options: RemoteEngineOptions) {
    this.size = options.size;
    this.#remoteWorkers = options.remoteWorkers;
    this.#link = options.link;
    this.#secret = options.secret;
    this.#whenJoined = new Promise((resolve) => (this.#markJoined = resolve));
    this.#link.listen(this.#owner, this.#onEvent);
  }

  /** How many `loom worker` processes serve the cluster (as last heard), for the progress bar. */
  get remoteWorkers(): number | undefined {
    return this.#remoteWorkers;
  }

  setRemoteWorkers(count: number): void {
    this.#remoteWorkers = count;
  }

  get state(): EngineState {
    return this.#state;
  }

  readonly #onEvent = (event: JobEvent): void => {
    if (event.task === -1) {
      // The link thread is gone: nothing will come for any task.
      const reason = event.ok ? 'the cluster link stopped' : event.reason;
      const lost = !event.ok && event.lost === true;
      for (const id of [...this.#pending.keys()]) this.#take(id)?.({ ok: false, error: lost ? new BackendLostError(reason) : new BackendError(reason) });
      return;
    }
    const done = this.#take(event.task);
    if (!done) return;
    done(this.#outcomeOf(event));
  };

  #outcomeOf(event: JobEvent): Outcome {
    try {
      if (event.ok) return { ok: true, value: readResult(event.body) };
      if (event.lost) return { ok: false, error: new BackendLostError(event.reason) };
      const error = readError(event.reason);
      if (error !== undefined) return { ok: false, error };
      if (event.reason === STALLED) {
        return { ok: false, error: new BrokenWorkerError('the task was lost twice: the workers running it died, or froze past their lease') };
      }
      return { ok: false, error: new BrokenWorkerError(`the task's job failed: ${event.reason}`) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  #take(id: number): ((outcome: Outcome) => void) | undefined {
    const done = this.#pending.get(id);
    if (!done) return undefined;
    this.#pending.delete(id);
    this.#tags.delete(id);
    if (this.#pending.size === 0) {
      this.#link.unhold();
      if (this.#state !== 'running') void this.#finish();
    }
    return done;
  }

  async #finish(): Promise<void> {
    if (this.#joined) return;
    this.#joined = true;
    this.#unwatch();
    await this.#stopping.catch(() => {});
    this.#link.unlisten(this.#owner);
    this.#markJoined();
  }

  submit(fn: FnSpec, kind: TaskKind, items: unknown[], done: (outcome: Outcome) => void, given?: string | null): number {
    if (this.#state !== 'running') throw new PoolStateError(`the pool is ${this.#state}: it takes no new tasks`);
    const tag = given === undefined ? outputHooks.outputTag() : (given ?? undefined);
    const data = makeJob(fn, kind, items, tag ?? '', this.#secret);
    const id = newTaskId();
    if (this.#pending.size === 0) this.#link.hold();
    this.#pending.set(id, done);
    if (tag !== undefined) this.#tags.set(id, tag);
    this.#link.call('pool.submit', { owner: this.#owner, task: id, data }).catch((error: unknown) => this.#take(id)?.({ ok: false, error }));
    return id;
  }

  cancel(id: number): boolean {
    if (!this.#pending.has(id)) return false;
    let removed = false;
    try {
      removed = this.#link.callSync('pool.cancel', { owner: this.#owner, task: id }, SYNC_MS) === true;
    } catch {
      return false;
    }
    if (removed) this.#take(id);
    return removed;
  }

  isQueued(id: number): boolean {
    if (!this.#pending.has(id)) return false;
    try {
      return this.#link.callSync('pool.queued', { owner: this.#owner, task: id }, SYNC_MS) === true;
    } catch {
      return false;
    }
  }

  #stop(tasks: number[]): void {
    if (tasks.length === 0) return;
    const stopping = this.#link.call('pool.stop', { owner: this.#owner, tasks }).catch(() => {});
    this.#stopping = Promise.all([this.#stopping, stopping]);
  }

  interruptWork(tag: string): void {
    const tasks = [...this.#tags].filter(([, of]) => of === tag).map(([id]) => id);
    if (tasks.length === 0) return;
    // Queued jobs are removed, the workers running the others told to stop them; settled here and now.
    this.#stop(tasks);
    this.#link.flush();
    for (const id of tasks) this.#take(id)?.({ ok: false, error: new Interrupted() });
  }

  poll(): void {
    heardInterrupts();
    this.#link.drain();
  }

  sleep(ms: number): void {
    this.#link.sleep(ms);
  }

  close(): void {
    if (this.#state !== 'running') return;
    this.#state = 'closed';
    if (this.#pending.size === 0) void this.#finish();
  }

  terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    const unfinished = [...this.#pending.keys()];
    this.#stop(unfinished);
    this.#link.flush();
    for (const id of unfinished) this.#take(id)?.({ ok: false, error: new PoolStateError('the pool was terminated before this task finished') });
    if (this.#pending.size === 0) void this.#finish();
  }

  whenJoined(): Promise<void> {
    return this.#whenJoined;
  }

  joinSync(ms: number): boolean {
    return waitSyncUntil(this, () => this.#joined, ms);
  }
}
