/**
 * The user's shared checker: one process serving the type checks,
 * completions and inspections of every kernel of one user and one Loom
 * install, over a Unix socket in the user's own folder (mode 0700, checked:
 * snapshot.ts). Each connection is one notebook, with a language service of
 * its own (worker.ts's handler), and all of them share one DocumentRegistry,
 * so TypeScript's lib and @types/node are parsed once for all the notebooks
 * (from the start-up snapshot when there is one): bench/README.md has what
 * that saves per kernel.
 *
 * It answers one request at a time, whichever notebook asked: a check takes
 * milliseconds, and a person types slower than that.
 *
 * Lifetime: started by the first kernel that finds none (shared-checker.ts),
 * it belongs to no kernel (its parent exits at once) and ends IDLE_MS after
 * its last kernel went, so a kernel restarted or another notebook opened in
 * that time finds the compiler loaded and warm. Two kernels starting one at
 * the same time: the second to listen finds the first answering and leaves.
 */
import { createServer, connect, type Socket } from 'node:net';
import { statSync, unlinkSync } from 'node:fs';
import ts from 'typescript';
import { readLines, toLine } from './json-lines.js';
import { createHandler } from './worker.js';
import type { ToChecker, WorkerRequest, WorkerResponse } from './types.js';

/** How long the checker waits for a kernel after its last one went, unless LOOM_CHECKER_IDLE_MS says. */
const IDLE_MS = 60_000;

/** How long a new checker waits for its first kernel, whatever the idle time. */
const FIRST_KERNEL_MS = 30_000;

/** The first line a kernel reads on connecting: who answers it (a kernel whose request times out stops that process). */
export type Hello = { pid: number; fromSnapshot: boolean };

/** Serves on the socket at `path`; says `ready` (or `taken`, when another checker answers there) on stdout. */
export function listenShared(path: string, registry?: ts.DocumentRegistry): void {
  // Ctrl+C in a terminal is the executor's business.
  process.on('SIGINT', () => {});
  const idleMs = Number(process.env.LOOM_CHECKER_IDLE_MS ?? IDLE_MS);
  const hello: Hello = { pid: process.pid, fromSnapshot: registry !== undefined };
  // Started without the snapshot: the first notebook parses lib and @types/node into this one, for all the others.
  const shared = registry ?? ts.createDocumentRegistry();
  let kernels = 0;
  let idle: NodeJS.Timeout | undefined;
  let inode = 0;

  const leaveWhenIdle = (ms = idleMs): void => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      // Another checker may have taken the path over (this one's socket file was removed as stale): leave its file alone.
      if (statOrUndefined(path)?.ino === inode) unlinkSync(path);
      process.exit(0);
    }, ms);
  };

  const server = createServer((socket) => {
    kernels += 1;
    clearTimeout(idle);
    socket.on('error', () => {}); // a kernel killed mid-write: its 'close' follows
    socket.once('close', () => {
      kernels -= 1;
      if (kernels === 0) leaveWhenIdle();
    });
    socket.write(toLine(hello));
    serveKernel(socket, shared);
  });

  const say = (word: 'ready' | 'taken'): void => {
    // The starter reads this one line and closes its end: a later write there must not kill the checker.
    process.stdout.on('error', () => {});
    process.stdout.write(`${word}\n`);
  };

  let retried = false;
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' || retried) throw error;
    retried = true;
    // A socket file is there: a live checker's, or a dead one's (killed before it could remove it).
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      say('taken');
      process.exit(0);
    });
    probe.once('error', () => {
      try {
        unlinkSync(path);
      } catch {
        // removed meanwhile by another checker taking the path over: listen all the same
      }
      server.listen(path);
    });
  });
  server.on('listening', () => {
    inode = statOrUndefined(path)?.ino ?? 0;
    say('ready');
    // The kernel that started it connects next: however short the idle time, wait for that first one.
    leaveWhenIdle(Math.max(idleMs, FIRST_KERNEL_MS));
  });
  server.listen(path);
}

/** One notebook: its first message says where it is and what ran; the rest are its requests, answered in order. */
function serveKernel(socket: Socket, registry: ts.DocumentRegistry): void {
  const reply = (response: WorkerResponse): void => {
    if (!socket.destroyed) socket.write(toLine(response));
  };
  let handle: ((request: WorkerRequest) => void) | undefined;
  readLines(socket, (message) => {
    const request = message as ToChecker;
    if (request.kind === 'start') handle = createHandler(request.data, reply, registry);
    else handle?.(request);
  });
}

function statOrUndefined(path: string): { ino: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
