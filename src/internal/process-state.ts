/**
 * Counters shared by every thread of the process: how many loom threads run
 * (threading.activeCount) and the next thread number (default names
 * "Thread-N"). The main thread creates the block; each thread receives it from
 * its starter, so all see one set of numbers.
 */
import { isMainThread, workerData } from 'node:worker_threads';

const ACTIVE = 0;
const NEXT_NUMBER = 1;
const NEXT_SHARED_ID = 2;

function inherited(): SharedArrayBuffer | undefined {
  const data = (workerData as { loom?: { process?: unknown } } | null)?.loom?.process;
  return !isMainThread && data instanceof SharedArrayBuffer ? data : undefined;
}

/** The process-wide block; pass it to every new thread. */
export const processBlock: SharedArrayBuffer = inherited() ?? new SharedArrayBuffer(16);
const cells = new Int32Array(processBlock);

/** Threads started by loom that have not finished yet (the main thread not included). */
export function runningThreads(): number {
  return Atomics.load(cells, ACTIVE);
}

export function threadStarted(): void {
  Atomics.add(cells, ACTIVE, 1);
}

export function threadFinished(): void {
  Atomics.sub(cells, ACTIVE, 1);
}

/** 1, 2, 3, ... across the whole process, like Python's `Thread-N` counter. */
export function nextThreadNumber(): number {
  return Atomics.add(cells, NEXT_NUMBER, 1) + 1;
}

/** A process-wide id for a new shared object, so each thread can keep one live wrapper per object. */
export function nextSharedId(): number {
  return Atomics.add(cells, NEXT_SHARED_ID, 1) + 1;
}
