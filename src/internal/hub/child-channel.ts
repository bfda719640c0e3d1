/**
 * Inside a loom child process: its channel to the parent's hub (fd 3), for
 * the multiprocessing Queues the child was given, and what those queues do
 * when the child's work ends. Only the child's main thread reads fd 3;
 * undefined in any other thread and in a process loom did not start.
 */
import { isMainThread } from 'node:worker_threads';
import { NotShippableError } from '../../errors.js';
import type { SyncChannel } from './frames.js';

let channel: SyncChannel | undefined;
let lastRequest = 0;
/** What runs when this child's task or run() ends, and at its exit. */
const atWorkEnd = new Set<() => void>();

/** @internal Set once by entry/process.ts. */
export function setChildChannel(value: SyncChannel): void {
  channel = value;
}

export function childChannel(): SyncChannel | undefined {
  return isMainThread ? channel : undefined;
}

/**
 * The channel, for an object from another process: only the main thread of
 * a loom child has one, and anywhere else using such an object is an error
 * that says where it works. `what` names the object ("a multiprocessing
 * Queue from another process"), `given` what the child was given ("queue").
 */
export function requireChildChannel(what: string, given: string): SyncChannel {
  const found = childChannel();
  if (!found) {
    throw new NotShippableError(
      `${what} works in the main thread of a process loom started with it ` +
        `(a Process or pool worker given the ${given}); pass it to the worker threads of that process through a threading Queue instead`,
    );
  }
  return found;
}

export function nextRequestId(): number {
  lastRequest = lastRequest >= 0x7fffffff ? 1 : lastRequest + 1;
  return lastRequest;
}

/**
 * Registers `done` to run when this child's task or run() ends, and at its
 * exit: multiprocessing/queue-remote.ts hands back the items its gets brought
 * and nobody took. Registration keeps entry/process.ts from requiring the
 * queue modules of a child that has none.
 */
export function onWorkEnd(done: () => void): void {
  atWorkEnd.add(done);
}

/** @internal Called by entry/process.ts when a task or run() ends, and at exit. */
export function workEnded(): void {
  for (const done of atWorkEnd) done();
}
