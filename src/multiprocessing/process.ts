/** multiprocessing.Process: a child process running a target function or a subclass's run(). */
import { inspect } from 'node:util';
import { deserialize } from 'node:v8';
import { ProcessStateError } from '../errors.js';
import { deserializeError, type SerializedError } from '../internal/error-wire.js';
import { childExecArgv } from '../internal/hub/child.js';
import { hubClient, nextHubId } from '../internal/hub/client.js';
import { PC, type ProcessJob } from '../internal/hub/protocol.js';
import { outputHooks } from '../internal/host/output.js';
import { processHooks } from '../internal/host/processes.js';
import { threadHooks } from '../internal/host/threads.js';
import { watchInterrupts } from '../internal/interrupt-work.js';
import { encode } from '../internal/share/encode.js';
import { shipClass, shipFunction } from '../internal/ship/ship.js';
import { guardSpawn } from '../internal/spawn-guard.js';
import { optionalBoolean, optionsObject, typeError } from '../internal/validate.js';
import { waitForJoin, waitForJoinSync, type Joining } from '../threading/join.js';
import { childIdentity, currentProcess, startedChild, stoppedChild } from './current.js';
import { coreOf, isFinished, newCore, setCore, STATE_RUNNING, type ProcessCore } from './process-core.js';

export interface ProcessOptions {
  /** The function the process runs: called as `target(...args)` by the default `run()`. Sent by source: it must be self-contained. */
  target?: (...args: never[]) => unknown;
  /** Arguments for `target`, copied into the process (v8 serialization); multiprocessing Queues and Pipes arrive as themselves. @default [] */
  args?: unknown[];
  /** The process's name. @default "ClassName-N", e.g. "Process-1" (Python's) */
  name?: string;
  /** A daemon process does not keep this process alive, and is stopped when it exits. @default the current process's daemon flag (false in the main process) */
  daemon?: boolean;
}

/**
 * A process, like Python's `multiprocessing.Process`: pass a `target`, or
 * subclass and override `run()`; then `start()` it. It runs in a fresh Node
 * process: only what you give it travels there (the target or the subclass
 * by source, `args` and the object's own fields by copy), so, unlike Python's
 * spawn, the child never re-runs your script. Its console output appears in
 * this process's stdout and stderr. A child outlives neither this process
 * nor, with daemon set, its exit; not even a SIGKILL of it.
 *
 * @example
 * ```ts
 * class ProcessTest extends Process {
 *   override run() { console.log(process.pid); for (let i = 0; i < 2e8; i++); }
 * }
 * const processes = Array.from({ length: 6 }, () => new ProcessTest());
 * processes.forEach((p) => p.start());
 * for (const p of processes) await p.join();
 * ```
 */
export class Process {
  constructor(options?: ProcessOptions) {
    if (typeof options === 'function') throw typeError('options', 'an options object such as {target, args}', options);
    const { target, args, name, daemon } = optionsObject<ProcessOptions>('options', options);
    if (target !== undefined && target !== null && typeof target !== 'function') throw typeError('target', 'a function', target);
    if (args !== undefined && !Array.isArray(args)) throw typeError('args', 'an array of arguments', args);
    if (name !== undefined && typeof name !== 'string') throw typeError('name', 'a string', name);
    const identity = childIdentity();
    setCore(this, newCore({
      name: name ?? `${new.target.name}-${identity.join(':')}`,
      daemon: optionalBoolean('daemon', daemon, currentProcess().daemon),
      target: target ?? undefined,
      args: args ?? [],
      identity,
    }));
  }

  /** What the process does. The default calls the target with the args; subclasses override it (it may be async). */
  run(): unknown {
    const core = coreOf(this);
    return core.target?.(...(core.args as never[]));
  }

  /**
   * Starts the process. Throws at once when its code uses names the process
   * cannot see, when an argument cannot be copied there (a Lock: shared memory
   * reaches threads only), or when called twice.
   */
  start(): void {
    const core = coreOf(this);
    if (core.started) throw new ProcessStateError('a process can only be started once');
    if (core.inside) throw new ProcessStateError('this object describes a running process; it cannot be started');
    guardSpawn(`Process ${core.name}`, true);
    const job = this.#job(core);
    const control = new Int32Array(new SharedArrayBuffer(PC.CELLS * 4));
    control[PC.STATE] = STATE_RUNNING;
    const hub = hubClient();
    core.hub = hub;
    core.id = nextHubId();
    core.control = control;
    core.started = true;
    hub.acquire();
    if (!core.daemon) hub.hold();
    hub.listen(core.id, (event) => {
      if (event.t === 'proc-finished') {
        core.error = event.error;
        core.reported = event.reported === true;
      }
      else if (event.t === 'proc-exit' || event.t === 'hub-failed') this.#reaped(core, event.t === 'hub-failed' ? event.reason : undefined);
    });
    // The code that started it is interrupted (in a notebook: its cell): it is terminated, as terminate().
    const tag = outputHooks.outputTag();
    if (tag !== undefined) core.unwatch = watchInterrupts({ interruptWork: (of) => of === tag && this.terminate() });
    hub.send({
      t: 'proc-start', proc: core.id, control: control.buffer as SharedArrayBuffer, execArgv: childExecArgv(undefined),
      init: { mode: 'process', job, preload: processHooks.processPreload, threadStdio: threadHooks.threadStdio, identity: core.identity, tag },
    });
    // At once, not with the next batch: a busy loop on isAlive() may follow.
    hub.flush();
    startedChild(this);
  }

  #job(core: ProcessCore): ProcessJob {
    const subclass = Object.getPrototypeOf(this) !== Process.prototype;
    return {
      cls: subclass ? shipClass(this.constructor, Process, 'Process subclass', 'process') : undefined,
      target: core.target ? shipFunction(core.target, 'target', 'process') : undefined,
      args: encode(core.args, 'args', undefined, 'process') as unknown[],
      fields: encode({ ...this }, 'this', undefined, 'process') as Record<string, unknown>,
      name: core.name,
      daemon: core.daemon,
    };
  }

  /** The hub saw the process exit (or failed itself): release what start() took. */
  #reaped(core: ProcessCore, hubFailure?: string): void {
    if (core.reaped) return;
    core.reaped = true;
    const hub = core.hub!;
    hub.unlisten(core.id);
    core.unwatch?.();
    if (!core.daemon) hub.unhold();
    hub.release();
    stoppedChild(this);
    if (hubFailure && !isFinished(core)) {
      Atomics.store(core.control!, PC.EXIT, 1);
      Atomics.store(core.control!, PC.STATE, 2);
      Atomics.notify(core.control!, PC.STATE);
    }
    if (core.error && !core.observed && !core.reported) {
      // Nobody joined: report like Python's child does, rather than lose the error.
      process.stderr.write(`Exception in process ${core.name} (pid ${this.pid}):\n${inspect(this.#thrown(core))}\n`);
    }
  }

  #thrown(core: ProcessCore): unknown {
    return (core.thrown ??= deserializeError(deserialize(core.error!) as SerializedError));
  }

  /** Checks the process can be joined now, and what the join does once it has waited. */
  #joining(): Joining {
    const core = coreOf(this);
    if (core.inside) throw new ProcessStateError('a process cannot join itself');
    if (!core.started) throw new ProcessStateError('cannot join a process before it is started');
    core.observed = true;
    return {
      control: core.control!,
      settle: () => {
        if (!isFinished(core)) return;
        core.hub?.drain();
        if (core.error) throw this.#thrown(core);
      },
    };
  }

  /**
   * Waits for the process to exit, blocking this thread, at most `timeout`
   * seconds; check isAlive() or exitCode afterwards to tell a timeout. Rethrows
   * an error its run() threw (the child's stack as `cause`); a process that was
   * killed or called process.exit() just has its exitCode.
   */
  joinSync(timeout?: number): void {
    waitForJoinSync(timeout, () => this.#joining());
  }

  /** Like joinSync, without blocking the event loop: `await p.join()`. */
  join(timeout?: number): Promise<void> {
    return waitForJoin(timeout, () => this.#joining());
  }

  /** True from start() until the process has exited: a read of shared memory, true at once even inside a busy loop. */
  isAlive(): boolean {
    const core = coreOf(this);
    if (core.inside) return true;
    return core.control !== undefined && !isFinished(core);
  }

  /** The OS process id; undefined before start(). May wait a moment for a process just started. */
  get pid(): number | undefined {
    const core = coreOf(this);
    if (core.inside) return process.pid;
    const control = core.control;
    if (!control) return undefined;
    if (Atomics.load(control, PC.PID) === 0) Atomics.wait(control, PC.PID, 0, 10_000);
    const pid = Atomics.load(control, PC.PID);
    return pid > 0 ? pid : undefined;
  }

  /** Python's `ident`: the pid. */
  get ident(): number | undefined {
    return this.pid;
  }

  /** null while running (or before start), then the exit code; -N when killed by signal N (Python's exitcode). */
  get exitCode(): number | null {
    const core = coreOf(this);
    return isFinished(core) ? Atomics.load(core.control!, PC.EXIT) : null;
  }

  #signal(signal: NodeJS.Signals): void {
    const core = coreOf(this);
    if (core.inside) throw new ProcessStateError(`use process.kill(process.pid, '${signal}') to signal the current process`);
    if (!core.started || isFinished(core)) return;
    const pid = this.pid;
    if (pid === undefined) return;
    try {
      process.kill(pid, signal);
    } catch {
      // It exited meanwhile.
    }
  }

  /** Stops the process with SIGTERM (Python's terminate). */
  terminate(): void {
    this.#signal('SIGTERM');
  }

  /** Stops the process with SIGKILL, which it cannot catch (Python's kill). */
  kill(): void {
    this.#signal('SIGKILL');
  }

  /** Python's close(): nothing to release here once it has exited; throws while it runs. */
  close(): void {
    if (this.isAlive() && coreOf(this).started) throw new ProcessStateError(`cannot close process ${this.name} while it is running; join() it first`);
  }

  /** The process's name; only for identification. */
  get name(): string {
    return coreOf(this).name;
  }
  set name(value: string) {
    if (typeof value !== 'string') throw typeError('name', 'a string', value);
    coreOf(this).name = value;
  }

  /** Whether the process lets this one exit while it runs (and is stopped then). Settable only before start(). */
  get daemon(): boolean {
    return coreOf(this).daemon;
  }
  set daemon(value: boolean) {
    const core = coreOf(this);
    if (core.started) throw new ProcessStateError('cannot set daemon status of a started process');
    core.daemon = optionalBoolean('daemon', value, core.daemon);
  }

  toString(): string {
    const core = coreOf(this);
    const status = core.inside ? 'started' : !core.started ? 'initial' : this.isAlive() ? 'started' : `stopped exitcode=${this.exitCode}`;
    return `<${this.constructor.name} name='${core.name}' ${status}${core.daemon ? ' daemon' : ''}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
