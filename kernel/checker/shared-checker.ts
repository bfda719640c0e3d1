/**
 * A kernel's connection to the user's shared checker (shared-server.ts): it
 * connects to the socket, and when nothing answers there it starts the
 * checker (from the snapshot when there is a good one) and connects again.
 * To client.ts it looks like a checker process of the kernel's own
 * (checker-process.ts): the same messages and events.
 *
 * The checker is started through `sh -c '... &'`, so its parent exits at once
 * and it belongs to no kernel: a kernel's shutdown, or a test waiting for a
 * kernel's processes to end, never waits for the checker other kernels use.
 * It ends by itself once no kernel is connected (shared-server.ts).
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { readLines, toLine } from './json-lines.js';
import { CHECKER_MAIN, checkerExecArgv, type CheckerProcessEvents } from './checker-process.js';
import type { Hello } from './shared-server.js';
import { SOCKET_ENV, type ToChecker, type WorkerData, type WorkerResponse } from './types.js';

/** How long a checker being started has to say it listens (a snapshot start under load takes seconds). */
const START_TIMEOUT_MS = 60_000;

/** Where the user's shared checker listens, and how a new one starts. */
export interface SharedPlace {
  socketPath: string;
  /** The snapshot to start a new checker from, if there is a good one. */
  snapshot(): string | undefined;
  /** A checker started from that snapshot never said it listens: the snapshot is not used again. */
  snapshotFailed(): void;
}

export class SharedChecker extends EventEmitter<CheckerProcessEvents> {
  private socket: Socket | undefined;
  /** Every line sent before the checker said hello: sent again on the next connection if this one closes first. */
  private readonly outbox: string[] = [];
  private hello: Hello | undefined;
  private answered = false;
  private ended = false;
  private keepAlive = false;
  /** A connection closed before the checker said hello (it was leaving, idle): one more try. */
  private reopened = false;

  constructor(data: WorkerData, private readonly place: SharedPlace) {
    super();
    this.outbox.push(toLine({ kind: 'start', data } satisfies ToChecker));
    void this.open();
  }

  get pid(): number | undefined {
    return this.hello?.pid;
  }

  get fromSnapshot(): boolean {
    return this.hello?.fromSnapshot ?? false;
  }

  postMessage(message: ToChecker): void {
    const line = toLine(message);
    if (this.ended) return;
    if (!this.hello) this.outbox.push(line);
    this.socket?.write(line);
  }

  /** Keeps the kernel's process alive (a request is in flight). */
  ref(): void {
    this.keepAlive = true;
    this.socket?.ref();
  }

  unref(): void {
    this.keepAlive = false;
    this.socket?.unref();
  }

  /** This kernel is done with the checker; it goes on serving the others. */
  async terminate(): Promise<void> {
    this.finish(0);
  }

  /** The checker does not answer: it is stopped for every kernel (each starts a new one on its next request). */
  kill(): void {
    if (this.hello) {
      try {
        process.kill(this.hello.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    this.finish(null);
  }

  private async open(): Promise<void> {
    const path = this.place.socketPath;
    let socket = await connectTo(path);
    if (!socket && !this.ended && (await startChecker(this.place))) socket = await connectTo(path);
    if (this.ended) return void socket?.destroy();
    if (!socket) return this.finish(-1);
    this.socket = socket;
    if (!this.keepAlive) socket.unref();
    socket.on('error', () => {}); // 'close' follows
    socket.once('close', () => this.closed());
    readLines(socket, (message) => {
      if (!this.hello) {
        this.hello = message as Hello;
        this.outbox.length = 0;
      } else {
        this.answered = true;
        this.emit('message', message as WorkerResponse);
      }
    });
    for (const line of this.outbox) socket.write(line);
  }

  private closed(): void {
    if (this.ended) return;
    if (this.hello || this.reopened) return this.finish(null);
    this.reopened = true;
    this.socket = undefined;
    void this.open();
  }

  /** Code -1: no checker could be reached or started; null: the connection was lost. */
  private finish(code: number | null): void {
    if (this.ended) return;
    this.ended = true;
    this.socket?.destroy();
    this.emit('exit', code, false, this.answered);
  }
}

function connectTo(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(undefined));
  });
}

/** Starts a checker on the place's socket; true once one listens there (this one or another's). */
async function startChecker(place: SharedPlace): Promise<boolean> {
  const blob = place.snapshot();
  if (await startOne(place.socketPath, blob)) return true;
  if (blob === undefined) return false;
  place.snapshotFailed();
  return startOne(place.socketPath, undefined);
}

function startOne(socketPath: string, blob: string | undefined): Promise<boolean> {
  const node = blob ? checkerExecArgv(blob) : [...checkerExecArgv(), CHECKER_MAIN];
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', '"$@" &', 'sh', process.execPath, ...node], {
      // Its own session: Ctrl+C or a kill of the kernel's process group does not reach it.
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      // Not the notebook's folder, which the checker would otherwise hold on to for its whole life.
      cwd: dirname(socketPath),
      env: { ...process.env, [SOCKET_ENV]: socketPath },
    });
    let said = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      child.stdout!.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), START_TIMEOUT_MS);
    child.on('error', () => done(false));
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      said += chunk;
      if (said.includes('\n')) done(/^(ready|taken)\n/.test(said));
    });
    // Ended without a word: the checker died before it listened (a snapshot Node refused, say).
    child.stdout!.on('end', () => done(/^(ready|taken)\n/.test(said)));
  });
}
