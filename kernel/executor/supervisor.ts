import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { join } from 'node:path';
import type { Duplex, Readable, Writable } from 'node:stream';
import { log } from '../log.js';
import { withMallocTuning } from '../malloc-tuning.js';
import { describeExit, StderrTail } from './exit-reason.js';
import { readFrames } from './frame-reader.js';
import { DEBUG_FD, FRAMES_FD, INPUT_FD, LIFELINE_FD, type DoneFrame, type ExecuteCommand, type FromExecutor, type InputReply } from './messages.js';
import { ENAME } from '../enames.js';

/** How long an interrupted cell may take to stop before the executor is replaced. */
export const INTERRUPT_GRACE_MS = 3000;
/** How often SIGINT is sent again while an interrupted cell has not stopped (see `interrupt`). */
const INTERRUPT_REPEAT_MS = 200;

const RUNTIME = join(__dirname, 'runtime', 'main.js');
const STARTUP_TIMEOUT_MS = 30_000;

interface RunningCell {
  parent: string;
  resolve: (done: DoneFrame) => void;
}

export interface SupervisorEvents {
  /** Every frame but `ready` and `done` (those are handled here). */
  frame: [FromExecutor];
  /** Text the executor wrote to its raw stdout/stderr, outside our console. */
  raw: ['stdout' | 'stderr', string];
  /** The executor died or was replaced while no cell was running. */
  lost: [string];
  /** A new executor takes commands (the first, or one that replaced another). */
  ready: [];
}

/**
 * Owns the executor process: starts it, hands it cells one at a time,
 * interrupts it, and replaces it when it dies or will not stop.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private running: RunningCell | undefined;
  private interruptTimer: NodeJS.Timeout | undefined;
  private interruptCount = 0;
  private stopping = false;
  /** input_requests the executor sent that no reply has answered yet (threads may ask at once). */
  private inputsPending = 0;
  /** The last child that got as far as `ready`: only those are restarted eagerly. */
  private started: ChildProcess | undefined;

  constructor(private readonly options: { cwd?: string; execArgv?: string[] } = {}) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How many interrupts were asked for so far: a cell compares it before and after it waits. */
  get interrupts(): number {
    return this.interruptCount;
  }

  /** Starts the executor if it is not running; resolves when it takes commands. */
  start(): Promise<void> {
    this.ready ??= this.spawnExecutor();
    return this.ready;
  }

  /**
   * Runs a cell. `interruptsBefore` is `interrupts` when the kernel took the
   * request: an interrupt since then (while the cell was type-checked, or while
   * the executor restarted) was meant for this cell, so it does not run.
   */
  async execute(command: Omit<ExecuteCommand, 'type'>, interruptsBefore = this.interruptCount): Promise<DoneFrame> {
    await this.start();
    if (this.running) throw new Error('the executor is already running a cell');
    if (this.interruptCount !== interruptsBefore) return notStarted(command.parent);
    const done = new Promise<DoneFrame>((resolve) => {
      this.running = { parent: command.parent, resolve };
    });
    this.child!.send({ type: 'execute', ...command });
    return done;
  }

  /**
   * Starts the executor's debug relay (once per executor) and returns the
   * socket it speaks on (messages.ts, DEBUG_FD); it closes when that executor ends.
   */
  async debugChannel(): Promise<Duplex> {
    await this.start();
    const child = this.child!;
    child.send({ type: 'debug_start' });
    return pipeOf(child, DEBUG_FD) as Duplex;
  }

  /** How many input() calls wait for a reply. */
  get inputsWaiting(): number {
    return this.inputsPending;
  }

  /** Counts an input() that waits for its one reply (see `sendInput`). */
  inputRequested(): void {
    this.inputsPending += 1;
  }

  /** Answers an input() waiting in the executor (an interrupt answers them all). */
  sendInput(reply: InputReply): void {
    this.inputsPending = reply.type === 'input_interrupted' ? 0 : Math.max(0, this.inputsPending - 1);
    const input = this.child && pipeOf(this.child, INPUT_FD);
    input?.write(`${JSON.stringify(reply)}\n`);
  }

  /**
   * SIGINT to the executor; a cell that does not stop in time gets the executor replaced.
   *
   * SIGINT is sent again until the cell ends: one that lands after the cell was
   * handed over but before its script started (while the executor transpiles
   * it) goes to the event loop, which a spinning cell never returns to, and
   * would be lost. Repeats stop when the cell's `done` arrives, so they never
   * reach the next cell.
   */
  interrupt(): void {
    this.interruptCount += 1;
    if (!this.child) return;
    if (this.inputsPending > 0) this.sendInput({ type: 'input_interrupted' });
    this.child.kill('SIGINT');
    if (!this.running || this.interruptTimer) return;
    const parent = this.running.parent;
    const deadline = Date.now() + INTERRUPT_GRACE_MS;
    this.interruptTimer = setInterval(() => {
      if (this.running?.parent !== parent) return this.stopInterrupting();
      if (Date.now() < deadline) {
        this.child?.kill('SIGINT');
        return;
      }
      this.stopInterrupting();
      this.replace(
        ENAME.KeyboardInterrupt,
        `the cell did not stop within ${INTERRUPT_GRACE_MS / 1000} s of the interrupt, so the executor was restarted: all variables were lost`,
      );
    }, INTERRUPT_REPEAT_MS);
  }

  private stopInterrupting(): void {
    clearInterval(this.interruptTimer);
    this.interruptTimer = undefined;
  }

  /** Kills the executor and starts a fresh one (kernel restart, or a cell that will not stop). */
  replace(ename: string, evalue: string): void {
    const child = this.child;
    this.detach(ename, evalue);
    child?.kill('SIGKILL');
    // A replacement that fails to start (or is stopped while starting) must not
    // be an unhandled rejection: that would end the kernel. The next cell retries.
    void this.start().catch((error: Error) => log.error(error.message));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    this.detach(ENAME.KernelShutdown, 'the kernel is shutting down');
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(timer);
  }

  private async spawnExecutor(): Promise<void> {
    const child = spawn(process.execPath, [...(this.options.execArgv ?? []), RUNTIME], {
      cwd: this.options.cwd,
      env: withMallocTuning(),
      // fd 0 (a pipe never written), 1, 2, CONTROL_FD (IPC), LIFELINE_FD, FRAMES_FD, INPUT_FD, DEBUG_FD: see messages.ts.
      stdio: ['pipe', 'pipe', 'pipe', 'ipc', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    // What Node prints as it dies (out of memory, a fatal error) explains the exit.
    const stderrTail = new StderrTail();
    child.stderr!.on('data', (text: string) => stderrTail.add(text));
    const started = new Promise<void>((resolve, reject) => {
      readFrames(pipeOf(child, FRAMES_FD), (frame) => {
        if (frame.type === 'ready') resolve();
        else this.onFrame(frame);
      });
      child.once('exit', (code, signal) => reject(new Error(`the executor exited while starting (${describeExit(code, signal, String(stderrTail))})`)));
    });
    for (const name of ['stdout', 'stderr'] as const) {
      child[name]!.setEncoding('utf8');
      child[name]!.on('data', (text: string) => this.emit('raw', name, text));
    }
    // EPIPE on the input or lifeline pipes when the executor dies is expected.
    child.stdin!.on('error', () => {});
    pipeOf(child, LIFELINE_FD).on('error', () => {});
    pipeOf(child, INPUT_FD).on('error', () => {});
    pipeOf(child, DEBUG_FD).on('error', () => {});
    child.on('error', (error) => log.error(`executor: ${error.message}`));
    child.once('exit', (code, signal) => {
      // Frames written just before the exit (the cell's last output) and Node's
      // last words on stderr may still be in their pipes.
      const drained = Promise.all([once(pipeOf(child, FRAMES_FD), 'close'), once(child.stderr!, 'close')]);
      void withTimeout(drained, 500, 'frame pipe still open')
        .catch(() => {})
        .then(() => this.onExit(child, code, signal, String(stderrTail)));
    });
    await withTimeout(started, STARTUP_TIMEOUT_MS, 'the executor did not start within 30 s');
    this.started = child;
    log.debug(`executor ${child.pid} ready`);
    this.emit('ready');
  }

  private onFrame(frame: FromExecutor): void {
    if (frame.type === 'done') {
      if (this.running?.parent === frame.parent) this.finish(frame);
      return;
    }
    this.emit('frame', frame);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, stderr: string): void {
    if (child !== this.child || this.stopping) return;
    const what = `the executor process ${describeExit(code, signal, stderr)}; it was restarted and all variables were lost`;
    log.warn(what);
    const wasRunning = this.running !== undefined;
    this.detach(ENAME.ExecutorDied, what);
    if (!wasRunning) this.emit('lost', what);
    // Start the next one now, so the next cell does not wait for it. An executor
    // that died while starting is not restarted here (no crash loop): the next cell tries again.
    if (child === this.started) void this.start().catch((error: Error) => log.error(error.message));
  }

  /** Forgets the current child; a cell still running ends with the given error. */
  private detach(ename: string, evalue: string): void {
    this.child = undefined;
    this.inputsPending = 0;
    this.ready = undefined;
    if (this.running) this.finish({ type: 'done', parent: this.running.parent, status: 'error', error: { ename, evalue, traceback: [`${ename}: ${evalue}`] }, userExpressions: {}, stateLost: true });
  }

  private finish(done: DoneFrame): void {
    this.stopInterrupting();
    const running = this.running!;
    this.running = undefined;
    running.resolve(done);
  }
}

/** The pipe on one of the executor's descriptors (Node's types know spawn's stdio up to fd 4 only). */
function pipeOf(child: ChildProcess, fd: number): Readable & Writable {
  return (child.stdio as unknown as (Readable & Writable)[])[fd];
}

/** The answer for a cell interrupted before the executor got it: it did not run at all. */
function notStarted(parent: string): DoneFrame {
  const error = { ename: ENAME.KeyboardInterrupt, evalue: 'Interrupted before the cell started' };
  return { type: 'done', parent, status: 'error', error: { ...error, traceback: [`${error.ename}: ${error.evalue}`] }, userExpressions: {}, notRun: true };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

