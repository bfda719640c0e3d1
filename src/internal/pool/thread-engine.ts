/**
 * The thread engine: piscina 5 creates, replaces and destroys the worker
 * threads; tasks and results go through two shared-memory rings (the
 * queue module's ring) rather than piscina's per-task messages.
 *
 * Why not piscina.run() per task: piscina hands a queued task to a worker
 * from this thread's event loop, when it hears that the worker is free. A
 * thread that busy-loops on `future.done()`, or blocks in `resultSync()`,
 * never runs its event loop, so with more tasks than workers the rest would
 * never start (the chapter's 13.6 example does exactly that). Here each
 * worker pulls its next task from the ring itself, and this thread reads
 * results from the other ring whenever it asks. It is also faster: a task
 * costs a serialize and two ring operations instead of a message round trip
 * (see bench/lib.ts).
 */
import { threadId, type ResourceLimits, type Worker } from 'node:worker_threads';
import type { Piscina as PiscinaType } from 'piscina';
import { BrokenWorkerError, Interrupted, PoolStateError } from '../../errors.js';
import { packedBytes, Serialized, type Packed } from '../ring/codec.js';
import { FIFO } from '../ring/layout.js';
import { QueueCore } from '../ring/queue-core.js';
import { deserializeError } from '../error-wire.js';
import { outputHooks } from '../host/output.js';
import { threadHooks } from '../host/threads.js';
import { watchInterrupts } from '../interrupt-work.js';
import { heardInterrupts } from '../interrupt-broadcast.js';
import { processBlock } from '../process-state.js';
import { encode } from '../share/encode.js';
import { trackWorker } from '../workers.js';
import type { Engine, EngineState, Outcome, TaskKind } from './engine.js';
import { entryFile } from '../entry-file.js';
import { lazy } from '../lazy.js';
import { fnKey } from './fn-ref.js';
import type { FnSpec } from '../ship/shipped.js';
import { sleepUntilNotEmpty, whenNotEmpty } from '../ring/ring-wait.js';
import { newTaskId } from './task-id.js';
import { ThreadWire } from './thread-wire.js';
import { waitSyncUntil } from './engine.js';
import type { PoolThreadInit, ResultMessage, TaskMessage } from './thread-messages.js';
import { REGISTERED, SLOT_CELLS, SLOTS } from './thread-messages.js';

const ENTRY = entryFile('pool-thread');
/** A process that never makes a thread pool does not pay for loading piscina. */
const piscina = lazy<typeof import('piscina')>(() => require('piscina'));
const RING_BYTES = 1 << 20;
const NONE = Symbol('none');
/** How long interruptWork looks for a task a worker has taken from the ring but not yet named in its slot. */
const IN_TRANSIT_MS = 1000;
/**
 * The longest sleep on the results ring while tagged tasks are out: an
 * interrupt told by another thread cannot wake that sleep (interrupt-broadcast.ts),
 * so a thread blocked in mapSync looks at the bell this often.
 */
const TAGGED_SLEEP_MS = 50;
let pools = 0;

export interface ThreadEngineOptions {
  size: number;
  /** Thread name prefix inside the workers. */
  name: string;
  initializer?: FnSpec;
  initargs: unknown[];
  resourceLimits?: ResourceLimits;
}

export class ThreadEngine implements Engine {
  readonly kind = 'thread' as const;
  readonly size: number;
  #state: EngineState = 'running';
  readonly #piscina: PiscinaType;
  readonly #tasks = new QueueCore(QueueCore.allocate(FIFO, 0, RING_BYTES));
  readonly #results = new QueueCore(QueueCore.allocate(FIFO, 0, RING_BYTES, true));
  readonly #control = new Int32Array(new SharedArrayBuffer((SLOTS * SLOT_CELLS + 1) * 4));
  readonly #wire: ThreadWire;
  readonly #pending = new Map<number, (outcome: Outcome) => void>();
  /** The output tag of each pending task that has one: what interruptWork(tag) stops. */
  readonly #tags = new Map<number, string>();
  /**
   * Pending tasks that count as running from their submit (see #commit): cancel()
   * leaves them for a worker, isQueued() says no.
   */
  readonly #committed = new Set<number>();
  /** How many tasks #commit has given a worker so far (never more than `size`). */
  #commitments = 0;
  readonly #unwatch = watchInterrupts(this);
  /** Tasks that did not fit in the ring yet, oldest first from #backlogAt. */
  #backlog: Packed[] = [];
  #backlogAt = 0;
  readonly #fnIds = new Map<string, number>();
  #keepAlive: NodeJS.Timeout | undefined;
  #pumping = false;
  #destroyed = false;
  #lastError: Error | undefined;
  /** Set when the workers cannot start (see #cannotStart): every task fails with it. */
  #broken: BrokenWorkerError | undefined;
  readonly #joined: Promise<void>;
  #markJoined!: () => void;

  constructor(options: ThreadEngineOptions) {
    this.size = options.size;
    const channel = `loom-pool-${process.pid}-${threadId}-${++pools}`;
    this.#wire = new ThreadWire(channel, () => this.#allListening());
    this.#joined = new Promise((resolve) => (this.#markJoined = resolve));
    const init: PoolThreadInit = {
      tasks: this.#tasks.h.buffer as SharedArrayBuffer,
      results: this.#results.h.buffer as SharedArrayBuffer,
      control: this.#control.buffer as SharedArrayBuffer,
      channel,
      name: options.name,
      initializer: options.initializer,
      // workerData is cloned for each new worker, shared memory included: no channel needed.
      initargs: encode(options.initargs, 'initargs'),
      preload: threadHooks.threadPreload,
      stdio: threadHooks.threadStdio,
    };
    this.#piscina = new (piscina().Piscina)({
      filename: ENTRY,
      minThreads: options.size,
      maxThreads: options.size,
      idleTimeout: Infinity,
      // The workers run loom's loop, not piscina's: no piscina task is ever sent.
      atomics: 'disabled',
      recordTiming: false,
      resourceLimits: options.resourceLimits,
      workerData: { loom: { process: processBlock }, loomPool: init },
    });
    this.#piscina.on('workerCreate', () => this.#watchWorkers());
    // A worker that fails outside a task: remembered for the message of the task it held.
    this.#piscina.on('error', (error: Error) => {
      this.#lastError = error;
      // Piscina has replaced a worker that failed after it was ready; one that failed while starting, never.
      if (this.#piscina.threads.length === 0) this.#cannotStart();
    });
  }

  get state(): EngineState {
    return this.#state;
  }

  readonly #watched = new WeakSet<Worker>();

  /** Follows each worker piscina made: its exit (threadId is -1 by then, so it is remembered here). */
  #watchWorkers(): void {
    for (const worker of this.#piscina.threads) {
      if (this.#watched.has(worker)) continue;
      this.#watched.add(worker);
      trackWorker(worker);
      const thread = worker.threadId;
      worker.once('exit', () => {
        threadHooks.threadExited(thread);
        this.#workerGone(thread);
      });
    }
  }

  /**
   * Blocks until every worker thread has opened the pool's channel (it claims
   * its slot right after), so an announced shared buffer reaches them all.
   * Only a pool just made, or one replacing a dead worker, ever waits (for a
   * thread to boot: tens of milliseconds).
   */
  #allListening(): void {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const seen = Atomics.load(this.#control, REGISTERED);
      const owners = new Set<number>();
      for (let slot = 0; slot < SLOTS; slot++) owners.add(Atomics.load(this.#control, slot * SLOT_CELLS));
      if (this.#piscina.threads.every((worker: Worker) => owners.has(worker.threadId))) return;
      if (Date.now() > deadline) throw new Error('loom: the pool\'s worker threads did not start within 10 s');
      Atomics.wait(this.#control, REGISTERED, seen, 100);
    }
  }

  #fnId(spec: FnSpec): number {
    const key = fnKey(spec);
    let id = this.#fnIds.get(key);
    if (id === undefined) {
      id = this.#fnIds.size + 1;
      this.#fnIds.set(key, id);
      this.#wire.defineFn(id, spec);
    }
    return id;
  }

  submit(fn: FnSpec, kind: TaskKind, items: unknown[], done: (outcome: Outcome) => void, given?: string | null): number {
    if (this.#state !== 'running') throw new PoolStateError(`the pool is ${this.#state}: it takes no new tasks`);
    const id = newTaskId();
    const broken = this.#broken;
    if (broken) {
      queueMicrotask(() => done({ ok: false, error: broken }));
      return id;
    }
    const tag = given === undefined ? outputHooks.outputTag() : (given ?? undefined);
    const message: TaskMessage = { i: id, f: this.#fnId(fn), k: kind, x: items, t: tag ?? '' };
    const packed = packedBytes(this.#wire.encodeTask(message), id);
    this.#pending.set(id, done);
    if (tag !== undefined) this.#tags.set(id, tag);
    this.#commit(id);
    if (this.#backlogAt < this.#backlog.length || !this.#tasks.tryPut(packed)) this.#backlog.push(packed);
    this.#startPump();
    return id;
  }

  /**
   * The pool's first `size` tasks are each given a worker at submit: they count
   * as running from then on, though the workers piscina starts with the pool
   * take 0.3-1 s to boot on a busy machine and pick them from the ring only
   * then. CPython's ThreadPoolExecutor starts a thread per submit, which takes
   * the next task at once, so `submit` x 50 then `shutdown({cancelFutures})`
   * runs some calls there (its test_cancel_futures); without this, all 50
   * would still be in the ring and all would be cancelled.
   */
  #commit(id: number): void {
    if (this.#commitments >= this.size) return;
    this.#commitments++;
    this.#committed.add(id);
  }

  /** Removes a queued task, unless it is committed to a worker (#commit): that one runs. */
  cancel(id: number): boolean {
    return !this.#committed.has(id) && this.#withdraw(id);
  }

  /** Takes a task out of the backlog or the ring, committed or not; false when a worker has it (or it is done). */
  #withdraw(id: number): boolean {
    if (!this.#pending.has(id)) return false;
    const at = this.#backlog.findIndex((p, i) => i >= this.#backlogAt && p.key === id);
    const removed = at >= 0 ? (this.#backlog.splice(at, 1), true) : this.#tasks.removeKey(id);
    if (removed) this.#forget(id);
    return removed;
  }

  interruptWork(tag: string): void {
    if (this.#destroyed) return;
    this.poll();
    let left = [...this.#tags].filter(([, of]) => of === tag).map(([id]) => id);
    // Queued: removed. Running: its worker thread is terminated (piscina starts another).
    // Neither: a worker has just taken it from the ring and names it in its slot a moment later.
    const deadline = Date.now() + IN_TRANSIT_MS;
    while (left.length > 0) {
      left = left.filter((id) => this.#pending.has(id) && !this.#cancelQueued(id) && !this.#stopRunning(id));
      if (left.length === 0 || Date.now() > deadline) break;
      Atomics.wait(this.#control, REGISTERED, Atomics.load(this.#control, REGISTERED), 1);
      this.poll();
    }
    // Still not found (a worker slow to name it): it may run, but nobody waits for it any more.
    for (const id of left) this.#interrupted(id);
  }

  /** A queued task of an interrupt, removed and failed; false when it is not queued. */
  #cancelQueued(id: number): boolean {
    const done = this.#pending.get(id);
    if (!done || !this.#withdraw(id)) return false;
    done({ ok: false, error: new Interrupted() });
    return true;
  }

  /**
   * A running task of an interrupt: its worker thread is terminated and the
   * task failed; false when no worker names it (a worker putting its result
   * names it negated: that result is taken in instead).
   */
  #stopRunning(id: number): boolean {
    for (let slot = 0; slot < SLOTS; slot++) {
      const at = slot * SLOT_CELLS;
      if (Atomics.load(this.#control, at + 1) !== id) continue;
      const thread = Atomics.load(this.#control, at);
      const worker = this.#piscina.threads.find((w: Worker) => w.threadId === thread);
      if (!worker) return false;
      void worker.terminate();
      this.#interrupted(id);
      return true;
    }
    return false;
  }

  #interrupted(id: number): void {
    const done = this.#pending.get(id);
    if (!done) return;
    this.#forget(id);
    done({ ok: false, error: new Interrupted() });
  }

  isQueued(id: number): boolean {
    if (!this.#pending.has(id) || this.#committed.has(id)) return false;
    return this.#backlog.some((p, i) => i >= this.#backlogAt && p.key === id) || this.#tasks.hasKey(id);
  }

  #forget(id: number): void {
    this.#pending.delete(id);
    this.#tags.delete(id);
    this.#committed.delete(id);
    if (this.#pending.size === 0) this.#idle();
  }

  poll(): void {
    heardInterrupts();
    while (this.#backlogAt < this.#backlog.length && this.#tasks.tryPut(this.#backlog[this.#backlogAt])) this.#backlogAt++;
    if (this.#backlogAt === this.#backlog.length && this.#backlogAt > 0) {
      this.#backlog = [];
      this.#backlogAt = 0;
    }
    for (;;) {
      const raw = this.#results.tryGet(NONE, true);
      if (raw === NONE) return;
      this.#deliver(this.#wire.decodeResult((raw as Serialized).bytes));
    }
  }

  #deliver(message: ResultMessage): void {
    const done = this.#pending.get(message.i);
    if (!done) return;
    this.#forget(message.i);
    if (message.broken !== undefined) return done({ ok: false, error: new BrokenWorkerError(message.broken) });
    if (!message.ok) return done({ ok: false, error: deserializeError(message.v as never) });
    done({ ok: true, value: message.v });
  }

  sleep(ms: number): void {
    sleepUntilNotEmpty(this.#results, this.#tags.size > 0 ? Math.min(ms, TAGGED_SLEEP_MS) : ms);
  }

  /** Delivers results on the event loop while tasks are out; keeps the process alive meanwhile. */
  #startPump(): void {
    this.#keepAlive ??= setInterval(() => {}, 2 ** 30);
    if (this.#pumping) return;
    this.#pumping = true;
    void this.#pump();
  }

  async #pump(): Promise<void> {
    try {
      while (this.#pending.size > 0 && !this.#destroyed) {
        this.poll();
        if (this.#pending.size === 0) break;
        await whenNotEmpty(this.#results, 500);
      }
    } finally {
      this.#pumping = false;
    }
  }

  #idle(): void {
    if (this.#keepAlive) clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
    if (this.#state === 'closed') this.#destroy();
  }

  /** A worker thread is gone: the task it held (if any) fails; piscina starts a replacement. */
  #workerGone(thread: number): void {
    if (this.#destroyed) return;
    for (let slot = 0; slot < SLOTS; slot++) {
      const at = slot * SLOT_CELLS;
      if (Atomics.load(this.#control, at) !== thread) continue;
      // Negative while it was putting the result (see pool-thread.ts).
      const task = Math.abs(Atomics.load(this.#control, at + 1));
      Atomics.store(this.#control, at + 1, 0);
      Atomics.store(this.#control, at, 0);
      // Its result may be in the ring already (it died after putting it).
      this.poll();
      const done = this.#pending.get(task);
      if (task !== 0 && done) {
        this.#forget(task);
        const why = this.#lastError ? `: ${this.#lastError.message}` : ' (out of memory, or terminated)';
        done({ ok: false, error: new BrokenWorkerError(`the worker thread running this task died${why}`, { cause: this.#lastError }) });
      }
    }
    this.#lastError = undefined;
  }

  /**
   * No worker thread is left and none will come (they die while starting: a
   * resource limit too small to boot, a missing file): the tasks fail now,
   * and so will later ones, instead of waiting forever.
   */
  #cannotStart(): void {
    if (this.#destroyed || this.#broken) return;
    const why = this.#lastError ? this.#lastError.message : 'they exited before they were ready';
    this.#broken = new BrokenWorkerError(`the pool's worker threads cannot start: ${why}`, { cause: this.#lastError });
    this.#failEverything(this.#broken);
  }

  /** Forgets every task not finished (waiting or running) and fails it with `error`. */
  #failEverything(error: Error): void {
    const unfinished = [...this.#pending.values()];
    this.#pending.clear();
    this.#tags.clear();
    this.#committed.clear();
    this.#backlog = [];
    this.#backlogAt = 0;
    this.#idle();
    for (const done of unfinished) done({ ok: false, error });
  }

  close(): void {
    if (this.#state !== 'running') return;
    this.#state = 'closed';
    if (this.#pending.size === 0) this.#destroy();
  }

  terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.#destroy();
    this.#failEverything(new PoolStateError('the pool was terminated before this task finished'));
  }

  #destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    // Until the threads have exited, the process stays alive (as Python joins its pool's threads).
    const keepAlive = setInterval(() => {}, 2 ** 30);
    void this.#piscina.destroy().finally(() => {
      clearInterval(keepAlive);
      this.#wire.close();
      this.#unwatch();
      this.#markJoined();
    });
  }

  whenJoined(): Promise<void> {
    return this.#joined;
  }

  joinSync(ms: number): boolean {
    const done = waitSyncUntil(this, () => this.#pending.size === 0, ms);
    if (done) this.#destroy();
    return done;
  }
}
