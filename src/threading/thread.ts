/** threading.Thread: a real OS thread (a worker_threads Worker) running a target function or a subclass's run(). */
import { inspect } from 'node:util';
import type { TransferListItem } from 'node:worker_threads';
import { NotShippableError, ThreadStateError, WorkerDiedError } from '../errors.js';
import { deserializeError, serializeError } from '../internal/error-wire.js';
import { entryFile } from '../internal/entry-file.js';
import { threadHooks } from '../internal/host/threads.js';
import { lazy } from '../internal/lazy.js';
import { CONTROL, STATE_FINISHED, STATE_RUNNING, type ThreadJob } from '../internal/thread/messages.js';
import { osThreadId } from '../internal/os-thread-id.js';
import { nextThreadNumber, processBlock, threadFinished, threadStarted } from '../internal/process-state.js';
import { encode } from '../internal/share/encode.js';
import { optionalBoolean, optionsObject, typeError } from '../internal/validate.js';
import { currentThread } from './current.js';
import { waitForJoin, waitForJoinSync, type Joining } from './join.js';
import { coreOf, isFinished, newCore, setCore, settle, type ThreadCore } from './thread-core.js';

/**
 * What only start() needs, required by the first start() rather than with this
 * module: every loom thread loads this module to be a Thread, and most never
 * start one of their own (each module a new thread loads costs it ~0.5 ms).
 */
const forStart = {
  ship: lazy<typeof import('../internal/ship/ship.js')>(() => require('../internal/ship/ship.js')),
  agent: lazy<typeof import('../internal/thread/agent.js')>(() => require('../internal/thread/agent.js')),
  v8: lazy<typeof import('../internal/v8-tuning.js')>(() => require('../internal/v8-tuning.js')),
};

/** The file each thread runs. */
const ENTRY = entryFile('thread');

export interface ThreadOptions {
  /** The function the thread runs: called as `target(...args)` by the default `run()`. Sent by source: it must be self-contained. */
  target?: (...args: never[]) => unknown;
  /** Arguments for `target`. Shared objects (Lock, Queue, Event, ...) arrive as the same objects; other values are copied. @default [] */
  args?: unknown[];
  /** The thread's name. @default "Thread-N" or "Thread-N (target name)" */
  name?: string;
  /** A daemon thread does not keep the process alive. @default the current thread's daemon flag (false in the main thread) */
  daemon?: boolean;
  /** Values in `args` to move rather than copy (ArrayBuffers, MessagePorts). @default [] */
  transfer?: TransferListItem[];
}

/**
 * A thread of execution, like Python's `threading.Thread`. Either pass a
 * `target`, or subclass and override `run()`; then `start()` it. Unlike
 * CPython, threads run truly in parallel (Node has no GIL) and share nothing
 * but what you hand them: shared objects passed in `args` or set as fields
 * in a subclass's constructor. Fields the thread sets on itself
 * (`this.result = ...`) are copied back when it finishes.
 *
 * @example
 * ```ts
 * class InputReader extends Thread {
 *   lineOfText = '';
 *   override run() { this.lineOfText = 'typed'; }
 * }
 * const t = new InputReader();
 * t.start();
 * while (t.isAlive()) {}            // busy loop, never yields: still sees the end
 * console.log(t.lineOfText);
 * ```
 */
export class Thread {
  constructor(options?: ThreadOptions) {
    if (typeof options === 'function') throw typeError('options', 'an options object such as {target, args}', options);
    const { target, args, name, daemon, transfer } = optionsObject<ThreadOptions>('options', options);
    if (target !== undefined && target !== null && typeof target !== 'function') throw typeError('target', 'a function', target);
    if (args !== undefined && !Array.isArray(args)) throw typeError('args', 'an array of arguments', args);
    if (name !== undefined && typeof name !== 'string') throw typeError('name', 'a string', name);
    if (transfer !== undefined && !Array.isArray(transfer)) throw typeError('transfer', 'an array', transfer);
    const label = target?.name ? ` (${target.name})` : '';
    setCore(this, newCore({
      name: name ?? `Thread-${nextThreadNumber()}${label}`,
      daemon: optionalBoolean('daemon', daemon, currentThread().daemon),
      target: target ?? undefined,
      args: args ?? [],
      transfer: transfer ?? [],
    }));
  }

  /** What the thread does. The default calls the target with the args; subclasses override it (it may be async). */
  run(): unknown {
    const core = coreOf(this);
    return core.target?.(...(core.args as never[]));
  }

  /** Starts the thread. Throws at once when its code uses names the thread cannot see, or when called twice. */
  start(): void {
    const core = coreOf(this);
    if (core.started) throw new ThreadStateError('threads can only be started once');
    const job = this.#job(core);
    const control = new Int32Array(new SharedArrayBuffer(CONTROL.CELLS * 4));
    // Running from now on, before the worker even boots: a busy loop on isAlive() right after start() must not exit early.
    control[CONTROL.STATE] = STATE_RUNNING;
    forStart.v8().tuneV8ForThreads();
    threadStarted();
    try {
      core.agent = new (forStart.agent().ThreadAgent)({
        entry: ENTRY,
        init: { job, control: control.buffer as SharedArrayBuffer, process: processBlock, preload: threadHooks.threadPreload, stdio: threadHooks.threadStdio },
        transfer: core.transfer,
        name: core.name,
      });
    } catch (error) {
      threadFinished();
      throw new NotShippableError(`thread ${core.name} could not be started: its args or fields cannot be copied to a thread (${(error as Error).message})`, { cause: error });
    }
    core.started = true;
    core.control = control;
    core.ident = core.agent.ident;
    if (core.daemon) core.agent.unref();
    core.agent.onError((error) => (core.error ??= serializeError(error)));
    core.agent.onExit((code) => this.#exited(core, code));
  }

  #job(core: ThreadCore): ThreadJob {
    const subclass = Object.getPrototypeOf(this) !== Thread.prototype;
    const { shipClass, shipFunction } = forStart.ship();
    return {
      cls: subclass ? shipClass(this.constructor, Thread, 'Thread subclass') : undefined,
      target: core.target ? shipFunction(core.target, 'target') : undefined,
      args: encode(core.args, 'args') as unknown[],
      fields: encode({ ...this }, 'this') as Record<string, unknown>,
      name: core.name,
      daemon: core.daemon,
    };
  }

  #exited(core: ThreadCore, code: number): void {
    const control = core.control!;
    if (Atomics.load(control, CONTROL.STATE) !== STATE_FINISHED) {
      // The thread never reported (killed, out of memory): finish it here so joins and isAlive() end.
      threadFinished();
      core.error ??= serializeError(new WorkerDiedError(`thread ${core.name} ended before run() returned (exit code ${code})`));
      Atomics.store(control, CONTROL.STATE, STATE_FINISHED);
      Atomics.notify(control, CONTROL.STATE);
    }
    settle(this, core);
    if (core.error && !core.observed && !core.reported) {
      // Nobody joined: report like Python's threading.excepthook rather than lose the error.
      const error = (core.thrown ??= deserializeError(core.error)) as Error;
      process.stderr.write(`Exception in thread ${core.name}:\n${inspect(error)}\n`);
    }
  }

  /** Checks the thread can be joined now, and what the join does once it has waited. */
  #joining(): Joining {
    const core = coreOf(this);
    if (!core.started) throw new ThreadStateError('cannot join thread before it is started');
    if (this === currentThread()) throw new ThreadStateError('cannot join current thread');
    if (!core.agent) throw new ThreadStateError(`cannot join ${core.name}: loom did not start it`);
    core.observed = true;
    return {
      control: core.control!,
      settle: () => {
        if (!isFinished(core)) return;
        settle(this, core);
        if (core.error) throw (core.thrown ??= deserializeError(core.error));
      },
    };
  }

  /**
   * Waits for the thread to finish, blocking this thread (Atomics.wait), at
   * most `timeout` seconds; check isAlive() afterwards to tell a timeout.
   * Rethrows an error the thread's run() threw, with the thread's stack as `cause`.
   */
  joinSync(timeout?: number): void {
    waitForJoinSync(timeout, () => this.#joining());
  }

  /** Like joinSync, without blocking the event loop: `await t.join()`. */
  join(timeout?: number): Promise<void> {
    return waitForJoin(timeout, () => this.#joining());
  }

  /** True from start() until run() has finished: a read of shared memory, true at once even while this thread busy-loops. */
  isAlive(): boolean {
    const core = coreOf(this);
    if (!core.control) return false;
    if (Atomics.load(core.control, CONTROL.STATE) === STATE_RUNNING) return true;
    settle(this, core);
    return false;
  }

  /** The thread's name; only for identification. */
  get name(): string {
    return coreOf(this).name;
  }
  set name(value: string) {
    if (typeof value !== 'string') throw typeError('name', 'a string', value);
    coreOf(this).name = value;
  }

  /** Whether the thread lets the process exit while it runs. Settable only before start(). */
  get daemon(): boolean {
    return coreOf(this).daemon;
  }
  set daemon(value: boolean) {
    const core = coreOf(this);
    if (core.started) throw new ThreadStateError('cannot set daemon status of active thread');
    core.daemon = optionalBoolean('daemon', value, core.daemon);
  }

  /** The worker's threadId (0 for the main thread); undefined before start(). */
  get ident(): number | undefined {
    return coreOf(this).ident;
  }

  /** The OS thread id (Linux; undefined elsewhere and before start()). May wait briefly for a just-started thread to boot. */
  get nativeId(): number | undefined {
    const core = coreOf(this);
    if (core.inside) return osThreadId();
    const control = core.control;
    if (!control) return undefined;
    if (Atomics.load(control, CONTROL.BOOTED) === 0 && !isFinished(core)) Atomics.wait(control, CONTROL.BOOTED, 0, 5000);
    return Atomics.load(control, CONTROL.NATIVE_ID) || undefined;
  }

  toString(): string {
    const core = coreOf(this);
    const status = !core.started ? 'initial' : this.isAlive() ? `started ${core.ident}` : `stopped ${core.ident}`;
    return `<${this.constructor.name}(${core.name}, ${status}${core.daemon ? ' daemon' : ''})>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
