/**
 * One child process as its hub sees it: spawned with the descriptors of
 * internal/fd-table.ts (protocol.ts says what each carries), frames in and out
 * on fd 3, the lifeline on fd 4 held open and never written; on Linux also
 * the kernel's parent-death signal (death-signal.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Socket } from 'node:net';
import { serialize } from 'node:v8';
import { entryFile } from '../entry-file.js';
import { deathSignalPrefix } from './death-signal.js';
import { frame, FrameParser, type Frame } from './frames.js';
import { CONTROL_FD, LIFELINE_FD } from '../fd-table.js';
import { threadHooks } from '../host/threads.js';
import { F, type ChildInit } from './protocol.js';

const ENTRY = entryFile('process');

/** Node options a child must not inherit: they name the parent's script or its debugger. */
const WITH_VALUE = new Set(['-e', '--eval', '-p', '--print', '-r', '--require', '--input-type']);
const ALONE = /^(--inspect|--debug|-i$|--interactive|-c$|--check|--test|--watch|--eval=|--print=|--input-type=)/;

export function inheritedExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    if (WITH_VALUE.has(argv[i])) {
      // --require keeps its module (a loader such as tsx's); the others go with their value.
      if (argv[i] === '-r' || argv[i] === '--require') out.push(argv[i], argv[i + 1]);
      i++;
    } else if (!ALONE.test(argv[i])) out.push(argv[i]);
  }
  return out;
}

/**
 * The Node options of a child: the given ones, or this process's; plus
 * --no-concurrent-osr, as for threads (internal/v8-tuning.ts): a loop that
 * runs once in a fresh process is otherwise rarely optimised on busy cores.
 */
export function childExecArgv(given: string[] | undefined): string[] {
  const flags = given && given.length > 0 ? given : inheritedExecArgv();
  return threadHooks.disableConcurrentOsr && !flags.includes('--concurrent-osr') ? [...flags, '--no-concurrent-osr'] : flags;
}

/** Python's exitcode: the code, or -N for a process killed by signal N. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal) return -(constants.signals[signal] ?? 0);
  return code ?? 0;
}

/** How a child is spawned: what a spare must match to stand in for a fresh child (spare.ts). */
export interface SpawnSetting {
  execArgv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** What a child's frames and exit go to; a spare's are replaced when it is given work (bind). */
type OnFrames = (frames: Frame[]) => void;
type OnExit = (child: Child) => void;

export class Child {
  readonly process: ChildProcess;
  readonly pid: number;
  readonly #socket: Socket;
  readonly #parser = new FrameParser();
  /** Set once it has exited: Python's exitcode. */
  exitCode: number | undefined;
  #signal: NodeJS.Signals | null = null;
  #onFrames: OnFrames;
  #onExit: OnExit;

  /**
   * Spawns the child; `onFrames` gets the frames of each chunk read together,
   * in order (bursts of queue puts are handled as one). Its work is sent with
   * start(): at once for a fresh child, later for a spare.
   */
  constructor(setting: SpawnSetting, onFrames: OnFrames, onExit: OnExit) {
    this.#onFrames = onFrames;
    this.#onExit = onExit;
    // Through setpriv where it can set the kernel's parent-death signal (death-signal.ts): the same Node, the same pid.
    const [command, ...head] = [...deathSignalPrefix(), process.execPath];
    this.process = spawn(command, [...head, ...setting.execArgv, ENTRY], {
      stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'pipe'],
      env: setting.env,
      cwd: setting.cwd,
    });
    // A failed spawn (EAGAIN, ENOMEM) reports through 'exit' with no pid: handled there.
    this.pid = this.process.pid ?? 0;
    this.#socket = this.process.stdio[CONTROL_FD] as Socket;
    const lifeline = this.process.stdio[LIFELINE_FD] as Socket;
    this.#socket.on('data', (chunk: Buffer) => {
      const frames = this.#parser.push(chunk);
      if (frames.length > 0) this.#onFrames(frames);
    });
    // A child that dies mid-write breaks the pipe: its exit is what counts.
    this.#socket.on('error', () => {});
    lifeline.on('error', () => {});
    this.process.on('error', () => {
      // A spawn that failed (no pid): there will be no 'exit'.
      if (!this.pid && this.exitCode === undefined) {
        this.exitCode = 127;
        report();
      }
    });
    // Reported once fd 3 is drained too ('close'), so a result or FINISHED frame written just
    // before the exit is taken in first; a grandchild holding fd 3 open must not delay it long.
    let reported = false;
    const report = (): void => {
      if (reported) return;
      reported = true;
      this.#socket.destroy();
      lifeline.destroy();
      this.#onExit(this);
    };
    this.process.once('exit', (code, signal) => {
      this.#signal = signal;
      this.exitCode = exitCodeOf(code, signal);
      setTimeout(report, 500).unref();
    });
    this.process.once('close', () => {
      if (this.exitCode !== undefined) report();
    });
  }

  /** A spare given work: its frames and exit go where a fresh child's would. */
  bind(onFrames: OnFrames, onExit: OnExit): void {
    this.#onFrames = onFrames;
    this.#onExit = onExit;
  }

  /** Its work: the INIT frame, the first it reads (after SPARE, for a spare). */
  start(init: ChildInit): void {
    this.send(F.INIT, 0, 0, serialize(init));
  }

  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  /** How it ended, for messages: "exited with code 3" or "was killed by SIGKILL". */
  describeExit(): string {
    // Node dies of a full heap by abort(): without the hint, running out of memory reads like a process.abort() call.
    if (this.#signal === 'SIGABRT') return 'was killed by SIGABRT (process.abort(), running out of memory, or a crash in native code)';
    if (this.#signal) return `was killed by ${this.#signal}`;
    return `exited with code ${this.exitCode}`;
  }

  /** Frames sent in one turn of the hub's event loop leave together (one writev). */
  send(kind: number, a = 0, b = 0, body?: Uint8Array): void {
    this.sendFrame(frame(kind, a, b, body));
  }

  /** A frame built by the caller (frames.ts fillFrameHead): a large answer is not copied once more. */
  sendFrame(data: Buffer): void {
    if (this.exited || !this.#socket.writable) return;
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.#socket.uncork();
      });
    }
    this.#socket.write(data);
  }

  #corked = false;

  kill(signal: NodeJS.Signals): void {
    if (this.exited) return;
    try {
      this.process.kill(signal);
    } catch {
      // Already gone.
    }
  }
}
