/** The thread-level functions of Python's threading module: current_thread, main_thread, get_ident, get_native_id, active_count. */
import { isMainThread, threadId } from 'node:worker_threads';
import { lazy } from '../internal/lazy.js';
import { osThreadId } from '../internal/os-thread-id.js';
import { runningThreads } from '../internal/process-state.js';
import { newCore, runningControl, setCore } from './thread-core.js';
import type { Thread } from './thread.js';

/** thread.ts imports this module (every Thread asks for the current one): required at run time, a load cycle otherwise. */
const threadModule = lazy<typeof import('./thread.js')>(() => require('./thread.js'));

let current: Thread | undefined;
let main: Thread | undefined;

/** A Thread object standing for a thread loom did not start (main, or a worker from elsewhere). */
function standIn(name: string, daemon: boolean, ident: number, inside: boolean): Thread {
  const thread = Object.create(threadModule().Thread.prototype) as Thread;
  setCore(thread, newCore({ name, daemon, inside, started: true, control: runningControl(), ident }));
  return thread;
}

/** @internal Called once inside a loom thread with its revived Thread object. */
export function setCurrentThread(thread: Thread): void {
  current = thread;
}

/**
 * The Thread object of the calling thread: the object that was started (the
 * revived subclass instance, with its fields) inside a loom thread, the main
 * thread object in the main thread, a "Dummy-N" stand-in in other workers.
 */
export function currentThread(): Thread {
  if (!current) {
    current = isMainThread ? mainThread() : standIn(`Dummy-${threadId}`, true, threadId, true);
  }
  return current;
}

/** The main thread's object (name "MainThread", ident 0). */
export function mainThread(): Thread {
  main ??= standIn('MainThread', false, 0, isMainThread);
  return main;
}

/** The calling thread's identifier: the worker threadId, 0 in the main thread. */
export function getIdent(): number {
  return threadId;
}

/** The calling thread's OS thread id (Linux, from /proc/thread-self); undefined where unavailable. */
export function getNativeId(): number | undefined {
  return osThreadId();
}

/** Threads alive in this process: the main thread plus every loom thread started and not yet finished. */
export function activeCount(): number {
  return 1 + runningThreads();
}
