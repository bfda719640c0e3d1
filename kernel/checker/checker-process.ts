/**
 * The checker's own process, as client.ts uses it: messages in order over an
 * IPC channel, and a handle that keeps the kernel alive only while asked to.
 *
 * Started from the snapshot when there is a good one (snapshot.ts): the
 * compiler is then loaded and lib and @types/node parsed before the process's
 * first line runs. Otherwise process-main.ts loads them the ordinary way.
 *
 * A process rather than a worker thread because Node can start only a
 * process's main thread from a snapshot. It costs the memory of a second
 * Node runtime (bench/README.md has the figures), and gives the kernel's
 * event loop and heap a core and a garbage collector of their own.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { extname, join } from 'node:path';
import { CHECKER_V8_FLAGS } from './snapshot.js';
import type { ToChecker, WorkerData, WorkerResponse } from './types.js';

// Compiled next to this file; keep the extension so it also works when run from sources.
export const CHECKER_MAIN = join(__dirname, `process-main${extname(__filename)}`);

/** A checker process's Node options: started from the snapshot `blob`, or (none) the ordinary way, which runs CHECKER_MAIN. */
export function checkerExecArgv(blob?: string): string[] {
  if (blob) return [...CHECKER_V8_FLAGS, '--snapshot-blob', blob];
  // From sources (tsx), the checker needs the same loader; compiled, it needs none of the kernel's flags.
  return [...(extname(__filename) === '.ts' ? process.execArgv : []), ...CHECKER_V8_FLAGS];
}


export interface CheckerProcessEvents {
  message: [response: WorkerResponse];
  /** The process ended (code null when killed by a signal), or could not start (-1). */
  exit: [code: number | null, fromSnapshot: boolean, answered: boolean];
}

export class CheckerProcess extends EventEmitter<CheckerProcessEvents> {
  private readonly child: ChildProcess;
  private answered = false;
  private exited = false;

  /** Starts the checker for `data`, from the snapshot `blob` when given. */
  constructor(data: WorkerData, readonly blob: string | undefined) {
    super();
    this.child = fork(CHECKER_MAIN, [], { execArgv: checkerExecArgv(blob), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (response: WorkerResponse) => {
      this.answered = true;
      this.emit('message', response);
    });
    // A spawn that failed has no pid and never exits; other errors (a send to a closed channel) are followed by 'exit'.
    this.child.on('error', () => {
      if (this.child.pid === undefined) this.ended(-1);
    });
    this.child.on('exit', (code) => this.ended(code));
    this.postMessage({ kind: 'start', data });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get fromSnapshot(): boolean {
    return this.blob !== undefined;
  }

  postMessage(message: ToChecker): void {
    if (this.child.connected) this.child.send(message);
  }

  /** Keeps the kernel's process alive (a request is in flight). */
  ref(): void {
    this.child.ref();
    this.child.channel?.ref();
  }

  /** Lets the kernel's process exit even though this one runs. */
  unref(): void {
    this.child.unref();
    this.child.channel?.unref();
  }

  /** The checker does not answer: ends it (the next request starts a new one). */
  kill(): void {
    void this.terminate();
  }

  /** Ends the process at once, as Worker.terminate() does. */
  async terminate(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    // Whoever awaits this waits for the exit: the process handle must keep the loop alive till then.
    this.child.ref();
    this.child.kill('SIGKILL');
    await exited;
  }

  private ended(code: number | null): void {
    if (this.exited) return;
    this.exited = true;
    this.emit('exit', code, this.blob !== undefined, this.answered);
  }
}
