import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { log } from '../log.js';
import { readFrames } from './frame-reader.js';
import { FRAMES_FD, INPUT_FD, type DoneFrame, type ExecuteCommand, type FromExecutor, type InputReply } from './messages.js';

/** How long an interrupted cell may take to stop before the executor is replaced. */
export const INTERRUPT_GRACE_MS = 3000;

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
  private stopping = false;
  private inputPending = false;
  /** The last child that got as far as `ready`: only those are restarted eagerly. */
  private started: ChildProcess | undefined;

  constructor(private readonly options: { cwd?: string; execArgv?: string[] } = {}) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the executor if it is not running; resolves when it takes commands. */
  start(): Promise<void> {
    this.ready ??= this.spawnExecutor();
    return this.ready;
  }

  async execute(command: Omit<ExecuteCommand, 'type'>): Promise<DoneFrame> {
    await this.start();
    if (this.running) throw new Error('the executor is already running a cell');
    const done = new Promise<DoneFrame>((resolve) => {
      this.running = { parent: command.parent, resolve };
    });
    this.child!.send({ type: 'execute', ...command });
    return done;
  }

  /** Lets an idle executor transpile a cell while the kernel type-checks it. */
  prepare(code: string): void {
    if (this.child && this.child === this.started && !this.running) this.child.send({ type: 'prepare', code });
  }

  /** Marks that an input() is waiting for its one reply (see `sendInput`). */
  inputRequested(): void {
    this.inputPending = true;
  }

  /** Answers an input() waiting in the executor. */
  sendInput(reply: InputReply): void {
    this.inputPending = false;
    const input = (this.child?.stdio as unknown as Writable[] | undefined)?.[INPUT_FD];
    input?.write(`${JSON.stringify(reply)}\n`);
  }

  /** SIGINT to the executor; a cell that does not stop in time gets the executor replaced. */
  interrupt(): void {
    if (!this.child) return;
    if (this.inputPending) this.sendInput({ type: 'input_interrupted' });
    this.child.kill('SIGINT');
    if (!this.running || this.interruptTimer) return;
    const parent = this.running.parent;
    this.interruptTimer = setTimeout(() => {
      this.interruptTimer = undefined;
      if (this.running?.parent !== parent) return;
      this.replace(
        'KeyboardInterrupt',
        `the cell did not stop within ${INTERRUPT_GRACE_MS / 1000} s of the interrupt, so the executor was restarted: all variables were lost`,
      );
    }, INTERRUPT_GRACE_MS);
  }

  /** Kills the executor and starts a fresh one (kernel restart, or a cell that will not stop). */
  replace(ename: string, evalue: string): void {
    const child = this.child;
    this.detach(ename, evalue);
    child?.kill('SIGKILL');
    void this.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    this.detach('KernelShutdown', 'the kernel is shutting down');
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
      stdio: ['pipe', 'pipe', 'pipe', 'ipc', 'pipe', 'pipe'],
    });
    this.child = child;
    const started = new Promise<void>((resolve, reject) => {
      readFrames(child.stdio[FRAMES_FD] as Readable, (frame) => {
        if (frame.type === 'ready') resolve();
        else this.onFrame(frame);
      });
      child.once('exit', (code, signal) => reject(new Error(`the executor exited while starting (${describeExit(code, signal)})`)));
    });
    for (const name of ['stdout', 'stderr'] as const) {
      child[name]!.setEncoding('utf8');
      child[name]!.on('data', (text: string) => this.emit('raw', name, text));
    }
    // EPIPE on the input or lifeline pipes when the executor dies is expected.
    child.stdin!.on('error', () => {});
    (child.stdio as unknown as Writable[])[INPUT_FD].on('error', () => {});
    child.on('error', (error) => log.error(`executor: ${error.message}`));
    child.once('exit', (code, signal) => {
      // Frames written just before the exit (the cell's last output) may still be in the pipe.
      const drained = once(child.stdio[FRAMES_FD]!, 'close');
      void withTimeout(drained, 500, 'frame pipe still open')
        .catch(() => {})
        .then(() => this.onExit(child, code, signal));
    });
    await withTimeout(started, STARTUP_TIMEOUT_MS, 'the executor did not start within 30 s');
    this.started = child;
    log.debug(`executor ${child.pid} ready`);
  }

  private onFrame(frame: FromExecutor): void {
    if (frame.type === 'done') {
      if (this.running?.parent === frame.parent) this.finish(frame);
      return;
    }
    this.emit('frame', frame);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child || this.stopping) return;
    const what = `the executor process ${describeExit(code, signal)}; it was restarted and all variables were lost`;
    log.warn(what);
    const wasRunning = this.running !== undefined;
    this.detach('ExecutorDied', what);
    if (!wasRunning) this.emit('lost', what);
    // Start the next one now, so the next cell does not wait for it. An executor
    // that died while starting is not restarted here (no crash loop): the next cell tries again.
    if (child === this.started) void this.start().catch((error: Error) => log.error(error.message));
  }

  /** Forgets the current child; a cell still running ends with the given error. */
  private detach(ename: string, evalue: string): void {
    this.child = undefined;
    this.inputPending = false;
    this.ready = undefined;
    if (this.running) this.finish({ type: 'done', parent: this.running.parent, status: 'error', error: { ename, evalue, traceback: [`${ename}: ${evalue}`] }, userExpressions: {}, stateLost: true });
  }

  private finish(done: DoneFrame): void {
    clearTimeout(this.interruptTimer);
    this.interruptTimer = undefined;
    const running = this.running!;
    this.running = undefined;
    running.resolve(done);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal === 'SIGABRT') return 'aborted (SIGABRT)';
  if (signal) return `was killed by ${signal}`;
  if (code === 134) return 'ran out of memory or aborted (exit code 134)';
  return `exited with code ${code}`;
}
