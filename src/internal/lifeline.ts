/**
 * The lifeline (fd-table.ts, LIFELINE_FD): a pipe the parent holds open and
 * never writes, so the child reads EOF exactly when the parent is gone, also
 * when it was killed with SIGKILL and could not say goodbye. A thread of the
 * child then kills the child: its main thread may be in a busy loop that never
 * returns to the event loop, so only another thread can notice.
 *
 * The fd is made non-blocking and polled every 100 ms: a thread blocked inside
 * read(2) could not be stopped, and process.exit() waits for every thread, so
 * a process.exit() in user code would hang.
 *
 * The kernel's executor starts a thread that does only this
 * (startLifelineWatchdog); a loom child's helper thread polls between writes
 * of its outbox (entry/child-io.ts), so a child pays for one thread, not two.
 */
import { readSync } from 'node:fs';
import { entryFile } from './entry-file.js';
import { LIFELINE_FD } from './fd-table.js';
import { lazy } from './lazy.js';

// Not loaded at the top: the helper thread of every loom child loads this file for parentAlive alone.
const net = lazy<typeof import('node:net')>(() => require('node:net'));
const workerThreads = lazy<typeof import('node:worker_threads')>(() => require('node:worker_threads'));

const probe = Buffer.alloc(64);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** The poll interval, and so how late a child may notice its parent's death. */
export const LIFELINE_POLL_MS = 100;

/** False once the parent is gone (EOF or a broken lifeline); the fd must be non-blocking (pollableLifeline). */
export function parentAlive(): boolean {
  for (;;) {
    try {
      return readSync(LIFELINE_FD, probe, 0, probe.length, null) !== 0;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return true;
      if (code !== 'EINTR') return false;
    }
  }
}

/** Inside the watchdog thread: polls until the parent is gone, then kills this process. */
export function watchLifeline(): never {
  while (parentAlive()) Atomics.wait(sleeper, 0, 0, LIFELINE_POLL_MS);
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL ends the process');
}

/**
 * Makes the lifeline non-blocking, for a thread to poll. Opening it as a
 * libuv pipe is how Node sets O_NONBLOCK; it is never read through that.
 */
export function pollableLifeline(): number {
  const { Socket } = net();
  new Socket({ fd: LIFELINE_FD, readable: false, writable: false }).unref();
  return LIFELINE_FD;
}

/** On the main thread of a process started with a lifeline: a thread that ends the process when its parent dies. */
export function startLifelineWatchdog(): void {
  pollableLifeline();
  const { Worker } = workerThreads();
  new Worker(entryFile('lifeline-watchdog'), { name: 'loom lifeline' }).unref();
}
