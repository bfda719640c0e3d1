/**
 * Inside a loom child process: its channel to the parent's hub (fd 3), for
 * the multiprocessing Queues the child was given. Only the child's main
 * thread reads fd 3; undefined in any other thread and in a process loom did
 * not start.
 */
import { isMainThread } from 'node:worker_threads';
import type { SyncChannel } from './frames.js';

let channel: SyncChannel | undefined;
let lastRequest = 0;

/** @internal Set once by entry/process.ts. */
export function setChildChannel(value: SyncChannel): void {
  channel = value;
}

export function childChannel(): SyncChannel | undefined {
  return isMainThread ? channel : undefined;
}

export function nextRequestId(): number {
  lastRequest = lastRequest >= 0x7fffffff ? 1 : lastRequest + 1;
  return lastRequest;
}
