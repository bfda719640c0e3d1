/**
 * The hub: a worker thread that owns the child processes of one thread
 * (protocol.ts explains why a thread of its own). It runs the process pools
 * (queue, dispatch, worker replacement) and single Processes, and hands
 * queue operations from children to queue-service.ts, operations on served
 * objects (a Lock, an Event, a Value) to served-service.ts.
 */
import { serialize } from 'node:v8';
import type { MessagePort } from 'node:worker_threads';
import { Child, type SpawnSetting } from './child.js';
import { ownCopy, type Frame } from './frames.js';
import type { SharedForm } from '../share/registry.js';
import { F, PC, type ChildInit, type HubCommand, type HubEvent, type HubInit, type PoolWorkerInit, type SpawnContext } from './protocol.js';
import type { QueueService } from './queue-service.js';
import { taskTag } from './task-tag.js';
import type { ServedService } from './served-service.js';
import { lazy } from '../lazy.js';
import { SpareChild, type SpareMode } from './spare.js';

/**
 * Loaded at first use: the queue and object services (the ring's modules) and the
 * relay of tagged output (the error wire) are half of a hub's modules, and a cold
 * Process.start() waits for its hub to start before its child is even spawned.
 * A queue or object to serve is kept until a child first uses one.
 */
const queueModule = lazy<typeof import('./queue-service.js')>(() => require('./queue-service.js'));
const servedModule = lazy<typeof import('./served-service.js')>(() => require('./served-service.js'));
const stdio = lazy<typeof import('./child-stdio.js')>(() => require('./child-stdio.js'));

/**
 * Tasks a pool sends a worker ahead of the one it runs, by how long its tasks
 * take: short tasks need several waiting (a round trip to the hub would cost
 * more than the task); long ones none (the round trip is nothing next to the
 * task, and a task waiting on a busy worker is one an idle worker cannot take,
 * which at the end of a map leaves a core idle).
 */
function aheadFor(worker: PoolWorker): number {
  if (worker.taskMs < 0.2) return 16;
  if (worker.taskMs < 2) return 4;
  if (worker.taskMs < 10) return 2;
  return 1;
}
const MAX_AHEAD = 16;
/** Workers that die before they are ready, one after another, before a pool gives up starting more. */
const BOOT_FAILURES = 3;
/** After terminate(): SIGTERM, then SIGKILL for a worker still there after this long. */
const TERM_GRACE_MS = 2000;
/** After 'stop': how long the hub waits for its killed children's exits before its thread ends anyway. */
const STOP_GRACE_MS = 5000;

interface Task {
  id: number;
  fn: number;
  body: Uint8Array;
}

interface PoolWorker {
  child: Child;
  /** Sent and not answered, oldest first: the first is the one running. */
  inflight: Task[];
  /** A moving average of how long its tasks take, from results (ms); starts high, so work spreads first. */
  taskMs: number;
  /** When its oldest task in flight started, as far as the hub can tell (sent, or the previous result). */
  since: number;
  sent: number;
  defined: Set<number>;
  ready: boolean;
  stopping: boolean;
}

interface Pool {
  id: number;
  size: number;
  init: PoolWorkerInit;
  maxTasks: number;
  setting: SpawnSetting;
  state: 'open' | 'closing' | 'terminating';
  queue: Task[];
  fns: Map<number, unknown>;
  workers: Set<PoolWorker>;
  bootFailures: number;
  broken: string | undefined;
  spawned: number;
}

export class Hub {
  readonly #events: MessagePort;
  readonly #mail: Int32Array;
  /** What every child's environment gets on top of its starter's: its depth in the tree of loom processes. */
  readonly #depthEnv: NodeJS.ProcessEnv;
  readonly #pools = new Map<number, Pool>();
  #queueService: QueueService | undefined;
  readonly #queuesToServe = new Map<number, SharedArrayBuffer>();
  #servedService: ServedService | undefined;
  readonly #objectsToServe = new Map<number, SharedForm>();
  readonly #children = new Set<Child>();
  /** The output tag of each running Process that has one: what interruptTag(tag) terminates. */
  readonly #processTags = new Map<Child, string>();
  #workerNumber = 0;
  readonly #spare = new SpareChild((setting, mode) => this.#spawnSpare(setting, mode));

  constructor(init: HubInit) {
    this.#events = init.events;
    this.#mail = new Int32Array(init.mail);
    this.#depthEnv = { LOOM_PROCESS_DEPTH: String(init.depth + 1), LOOM_MAX_PROCESS_DEPTH: String(init.maxDepth) };
  }

  /** Events go out in batches: one message (and one wake-up) per turn of the hub's event loop. */
  #emit(event: HubEvent, transfer: ArrayBuffer[] = []): void {
    this.#batch.push(event);
    for (const buffer of transfer) this.#batchTransfer.push(buffer);
    if (this.#batch.length === 1) queueMicrotask(() => this.#flush());
  }

  readonly #batch: HubEvent[] = [];
  readonly #batchTransfer: ArrayBuffer[] = [];

  #flush(): void {
    this.#events.postMessage(this.#batch.splice(0), this.#batchTransfer.splice(0));
    Atomics.add(this.#mail, 0, 1);
    Atomics.notify(this.#mail, 0);
  }

  command(command: HubCommand): void {
    switch (command.t) {
      case 'pool-open': return this.#openPool(command);
      case 'pool-fn': {
        this.#pools.get(command.pool)?.fns.set(command.fn, command.spec);
        return;
      }
      case 'pool-task': return this.#queueTask(command.pool, { id: command.task, fn: command.fn, body: command.body });
      case 'pool-cancel': return this.#emit({ t: 'reply', req: command.req, value: this.#cancel(command.pool, command.task) });
      case 'pool-queued': {
        const queued = this.#pools.get(command.pool)?.queue.some((task) => task.id === command.task) ?? false;
        return this.#emit({ t: 'reply', req: command.req, value: queued });
      }
      case 'pool-interrupt': return this.#interruptTasks(command.pool, new Set(command.tasks));
      case 'pool-close': return this.#closePool(command.pool);
      case 'pool-terminate': return this.#terminatePool(command.pool);
      case 'proc-start': return this.#startProcess(command);
      case 'stop': return this.#stop();
      case 'queue-serve': {
        if (this.#queueService) this.#queueService.serve(command.queue, command.buffer);
        else this.#queuesToServe.set(command.queue, command.buffer);
        return;
      }
      case 'object-serve': {
        if (this.#servedService) this.#servedService.serve(command.object, command.form);
        else this.#objectsToServe.set(command.object, command.form);
        return;
      }
    }
  }

  get #queues(): QueueService {
    if (!this.#queueService) {
      this.#queueService = new (queueModule().QueueService)();
      for (const [id, buffer] of this.#queuesToServe) this.#queueService.serve(id, buffer);
      this.#queuesToServe.clear();
    }
    return this.#queueService;
  }

  get #served(): ServedService {
    if (!this.#servedService) {
      this.#servedService = new (servedModule().ServedService)();
      for (const [id, form] of this.#objectsToServe) this.#servedService.serve(id, form);
      this.#objectsToServe.clear();
    }
    return this.#servedService;
  }

  /** How a child of this start is spawned: the starter's environment and directory (this hub's own when not given). */
  #setting(execArgv: string[], context: SpawnContext | undefined): SpawnSetting {
    return { execArgv, env: { ...(context?.env ?? process.env), ...this.#depthEnv }, cwd: context?.cwd ?? process.cwd() };
  }

  /** A child for `init`: the spare if it fits (spare.ts), else a fresh one; then a spare is readied for the next start. */
  #spawn(init: ChildInit, setting: SpawnSetting, onFrame: (child: Child, frame: Frame) => void, onExit: (child: Child) => void): Child {
    const onFrames = (child: Child, frames: Frame[]): void => {
      // Queue operations and output in runs (a burst of puts goes into the queue at once,
      // a burst of lines to the host as one text); other frames one by one; all in order.
      let run: Frame[] = [];
      let output: Frame[] = [];
      const passRuns = (): void => {
        if (run.length > 0) this.#queues.handle(child, run);
        if (output.length > 0) stdio().relayOutput(output);
        run = [];
        output = [];
      };
      for (const received of frames) {
        if (received.kind === F.Q_OP) {
          if (output.length > 0) passRuns();
          run.push(received);
        } else if (received.kind === F.OUTPUT) {
          if (run.length > 0) passRuns();
          output.push(received);
        } else {
          passRuns();
          if (received.kind === F.INPUT) stdio().relayInput(child, received);
          else if (received.kind === F.DISPLAY) stdio().relayDisplay(received);
          else if (received.kind === F.OBJ_OP) this.#served.handle(child, received);
          else onFrame(child, received);
        }
      }
      passRuns();
    };
    const exited = (gone: Child): void => {
      this.#forget(gone);
      onExit(gone);
    };
    // The next spare once this child has booted: its first frame (READY, SPARE_READY, or what its work sends).
    let booted = false;
    const boot = (): void => {
      if (booted) return;
      booted = true;
      this.#spare.refillLater(setting, init.mode);
    };
    const taken = this.#spare.take(setting);
    let child: Child;
    if (taken) {
      child = taken.child;
      child.bind((frames) => {
        boot();
        onFrames(child, frames);
      }, exited);
      if (taken.ready) boot();
    } else {
      child = new Child(setting, (frames) => {
        boot();
        onFrames(child, frames);
      }, exited);
      this.#children.add(child);
    }
    child.start(init);
    if (child.pid) this.#emit({ t: 'spawned', pid: child.pid });
    return child;
  }

  /** A spare: spawned now, given its work by a later #spawn; until then it sends nothing, and its exit is only forgotten. */
  #spawnSpare(setting: SpawnSetting, mode: SpareMode): Child {
    const child: Child = new Child(setting, (frames) => {
      if (frames.some((received) => received.kind === F.SPARE_READY)) this.#spare.ready(child);
    }, (gone) => this.#forget(gone));
    this.#children.add(child);
    child.send(F.SPARE, mode === 'pool' ? 1 : 0);
    if (child.pid) this.#emit({ t: 'spawned', pid: child.pid, spare: true });
    return child;
  }

  #forget(gone: Child): void {
    this.#children.delete(gone);
    this.#spare.forget(gone);
    this.#queueService?.forget(gone);
    this.#servedService?.forget(gone);
    if (gone.pid) this.#emit({ t: 'reaped', pid: gone.pid });
    if (this.#stopping && this.#children.size === 0) this.#stopped();
  }

  // ---------------------------------------------------------------- pools

  #openPool(command: Extract<HubCommand, { t: 'pool-open' }>): void {
    const pool: Pool = {
      id: command.pool, size: command.size, init: command.init, maxTasks: command.maxTasks,
      setting: this.#setting(command.execArgv, command.context),
      state: 'open', queue: [], fns: new Map(), workers: new Set(), bootFailures: 0, broken: undefined, spawned: 0,
    };
    this.#pools.set(pool.id, pool);
    this.#spare.started();
    for (let i = 0; i < pool.size; i++) this.#addWorker(pool);
    this.#loadWhileChildrenBoot(command.init.tag !== undefined);
  }

  #addWorker(pool: Pool): void {
    const init: PoolWorkerInit = { ...pool.init, name: `PoolWorker-${++this.#workerNumber}`, identity: [...pool.init.identity, ++pool.spawned] };
    const worker: PoolWorker = { child: undefined as never, inflight: [], taskMs: 10, since: 0, sent: 0, defined: new Set(), ready: false, stopping: false };
    worker.child = this.#spawn(init, pool.setting, (_child, received) => this.#poolFrame(pool, worker, received), () => this.#workerExited(pool, worker));
    pool.workers.add(worker);
  }

  #poolFrame(pool: Pool, worker: PoolWorker, received: Frame): void {
    if (received.kind === F.READY) {
      worker.ready = true;
      pool.bootFailures = 0;
      return;
    }
    if (received.kind !== F.RESULT) return;
    const at = worker.inflight.findIndex((task) => task.id === received.a);
    if (at >= 0) worker.inflight.splice(at, 1);
    const now = performance.now();
    worker.taskMs = worker.taskMs * 0.8 + (now - worker.since) * 0.2;
    worker.since = now;
    const body = ownCopy(received.body);
    this.#emit({ t: 'result', pool: pool.id, task: received.a, ok: received.b === 0, body }, [body.buffer as ArrayBuffer]);
    this.#dispatch(pool);
  }

  #workerExited(pool: Pool, worker: PoolWorker): void {
    pool.workers.delete(worker);
    const [running, ...waiting] = worker.inflight;
    worker.inflight = [];
    if (pool.state === 'terminating') return this.#maybeExited(pool);
    // The tasks it had not started go back to the front of the queue, in order.
    pool.queue.unshift(...waiting);
    if (running) this.#emit({ t: 'broken', pool: pool.id, task: running.id, reason: `the worker process running this task (pid ${worker.child.pid}) ${worker.child.describeExit()}` });
    if (!worker.ready && !worker.stopping) {
      pool.bootFailures++;
      if (pool.bootFailures >= BOOT_FAILURES) pool.broken = `worker processes die as they start (the last ${worker.child.describeExit()}): check the pool's execArgv and preload modules`;
    }
    if (pool.broken) {
      for (const task of pool.queue.splice(0)) this.#emit({ t: 'broken', pool: pool.id, task: task.id, reason: pool.broken });
    }
    // Replaced while the pool is open, and while a closing pool still has tasks for it.
    if (!pool.broken && (pool.state === 'open' || pool.queue.length > 0)) {
      this.#spare.started();
      this.#addWorker(pool);
    }
    this.#dispatch(pool);
    this.#maybeExited(pool);
  }

  #queueTask(poolId: number, task: Task): void {
    const pool = this.#pools.get(poolId);
    if (!pool) return;
    if (pool.broken) return this.#emit({ t: 'broken', pool: pool.id, task: task.id, reason: pool.broken });
    pool.queue.push(task);
    this.#dispatch(pool);
  }

  /** Idle workers first, then one task ahead for each: tasks spread over the workers. */
  #dispatch(pool: Pool): void {
    if (pool.state === 'terminating') return;
    for (let depth = 1; depth <= MAX_AHEAD && pool.queue.length > 0; depth++) {
      for (const worker of pool.workers) {
        if (pool.queue.length === 0) break;
        if (worker.inflight.length < depth && depth <= aheadFor(worker) && !worker.stopping && !worker.child.exited) this.#send(pool, worker, pool.queue.shift()!);
      }
    }
    if (pool.state === 'closing' && pool.queue.length === 0) {
      for (const worker of pool.workers) this.#stopWorker(worker);
    }
  }

  #send(pool: Pool, worker: PoolWorker, task: Task): void {
    if (!worker.defined.has(task.fn)) {
      worker.defined.add(task.fn);
      worker.child.send(F.DEFINE, task.fn, 0, serialize(pool.fns.get(task.fn)));
    }
    worker.child.send(F.TASK, task.id, task.fn, task.body);
    if (worker.inflight.length === 0) worker.since = performance.now();
    worker.inflight.push(task);
    worker.sent++;
    if (pool.maxTasks > 0 && worker.sent >= pool.maxTasks) this.#stopWorker(worker);
  }

  /** The worker finishes what it was sent, then exits (its replacement, if any, is started when it has). */
  #stopWorker(worker: PoolWorker): void {
    if (worker.stopping) return;
    worker.stopping = true;
    worker.child.send(F.STOP);
  }

  #cancel(poolId: number, taskId: number): boolean {
    const pool = this.#pools.get(poolId);
    const at = pool?.queue.findIndex((task) => task.id === taskId) ?? -1;
    if (at < 0) return false;
    pool!.queue.splice(at, 1);
    return true;
  }

  /**
   * An interrupt: the tasks leave the queue; a worker running one of them is
   * killed (SIGTERM, then SIGKILL as terminate() does) and replaced when it
   * has exited, and the other tasks it was sent go back to the queue then.
   * Its caller has already settled these tasks (or interruptTag has just
   * reported them 'interrupted'), so the 'broken' event its exit causes is
   * ignored. A task sent ahead to a worker that runs another
   * cell's task cannot be taken back: it runs, and its result is ignored.
   */
  #interruptTasks(poolId: number, tasks: Set<number>): void {
    const pool = this.#pools.get(poolId);
    if (!pool) return;
    pool.queue = pool.queue.filter((task) => !tasks.has(task.id));
    for (const worker of pool.workers) {
      const [running, ...waiting] = worker.inflight;
      if (!running || !tasks.has(running.id) || worker.child.exited) continue;
      worker.inflight = [running, ...waiting.filter((task) => !tasks.has(task.id))];
      // Stopping: no new task goes to it, and its exit is not a failure to start.
      worker.stopping = true;
      this.#killSoon(worker.child);
    }
    this.#dispatch(pool);
  }

  /**
   * An interrupt of `tag` that this hub heard itself (interrupt-broadcast.ts),
   * whatever its thread is doing: the tasks with that tag stop as with
   * 'pool-interrupt' and are reported 'interrupted' (the thread may not have
   * heard yet; if it has, it settled them and ignores these); Processes
   * started with that tag are terminated, as Process.terminate() does.
   */
  interruptTag(tag: string): void {
    for (const pool of this.#pools.values()) {
      const tasks = [...pool.queue, ...[...pool.workers].flatMap((worker) => worker.inflight)].filter((task) => taskTag(task.body) === tag);
      if (tasks.length === 0) continue;
      this.#interruptTasks(pool.id, new Set(tasks.map((task) => task.id)));
      for (const task of tasks) this.#emit({ t: 'interrupted', pool: pool.id, task: task.id });
    }
    for (const [child, of] of this.#processTags) if (of === tag) child.kill('SIGTERM');
  }

  /** SIGTERM now, SIGKILL if it is still there after the grace period. */
  #killSoon(child: Child): void {
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), TERM_GRACE_MS).unref();
  }

  #closePool(poolId: number): void {
    const pool = this.#pools.get(poolId);
    if (!pool || pool.state !== 'open') return;
    pool.state = 'closing';
    this.#dispatch(pool);
    this.#maybeExited(pool);
  }

  #terminatePool(poolId: number): void {
    const pool = this.#pools.get(poolId);
    if (!pool || pool.state === 'terminating') return;
    pool.state = 'terminating';
    pool.queue = [];
    for (const worker of pool.workers) worker.child.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of pool.workers) worker.child.kill('SIGKILL');
    }, TERM_GRACE_MS).unref();
    this.#maybeExited(pool);
  }

  #maybeExited(pool: Pool): void {
    if (pool.state === 'open' || pool.workers.size > 0) return;
    this.#pools.delete(pool.id);
    this.#emit({ t: 'pool-exited', pool: pool.id });
  }

  // ---------------------------------------------------------------- single processes

  #startProcess(command: Extract<HubCommand, { t: 'proc-start' }>): void {
    const control = new Int32Array(command.control);
    this.#spare.started();
    const child = this.#spawn(command.init, this.#setting(command.execArgv, command.context), (_child, received) => {
      if (received.kind !== F.FINISHED) return;
      this.#emit({ t: 'proc-finished', proc: command.proc, error: received.b === 0 ? undefined : ownCopy(received.body), reported: received.a === 1 });
    }, (gone) => {
      this.#processTags.delete(gone);
      // The exit first, then the state: a thread that sees FINISHED finds the code there.
      Atomics.store(control, PC.EXIT, gone.exitCode ?? 1);
      Atomics.store(control, PC.STATE, 2);
      Atomics.notify(control, PC.STATE);
      this.#emit({ t: 'proc-exit', proc: command.proc, code: gone.exitCode ?? 1 });
    });
    if (command.init.tag !== undefined && !child.exited) this.#processTags.set(child, command.init.tag);
    Atomics.store(control, PC.PID, child.pid || -1);
    Atomics.notify(control, PC.PID);
    this.#loadWhileChildrenBoot(command.init.tag !== undefined);
  }

  /**
   * Loads what the first frames of the children just spawned will need (a
   * queue or object to serve, output to relay when tagged) while they boot: a
   * fresh child takes 100-300 ms to send anything, in which this thread only
   * waits. Loaded at their first use instead, it would be on the path of a
   * child's first act (a queue put reaching its parent: 10-30 ms later).
   */
  #loadWhileChildrenBoot(tagged: boolean): void {
    setImmediate(() => {
      if (this.#queuesToServe.size > 0) void this.#queues;
      if (this.#objectsToServe.size > 0) void this.#served;
      if (tagged) stdio();
    });
  }

  /** Every child, now: the hub is being stopped (its thread, and so their lifelines, go next). */
  killAll(): void {
    this.#spare.stop();
    for (const child of this.#children) child.kill('SIGKILL');
  }

  #stopping = false;

  /** 'stop': every child is killed (nothing uses the hub: only its spare is left), and the thread ends when all have exited. */
  #stop(): void {
    this.#stopping = true;
    this.killAll();
    if (this.#children.size === 0) this.#stopped();
    // A SIGKILLed child's exit comes at once; should one never be seen, the thread ends all the same.
    else setTimeout(() => this.#stopped(), STOP_GRACE_MS).unref();
  }

  #stopped(): void {
    // The 'reaped' events first: the client forgets those pids (it would SIGTERM them at its exit).
    if (this.#batch.length > 0) this.#flush();
    // Ends this worker thread (the hub's own); its thread's 'exit' tells the client.
    process.exit(0);
  }
}
