/** The process-level functions of Python's multiprocessing: current_process, parent_process, active_children, cpu_count. */
import { lazy } from '../internal/lazy.js';
import { newCore, setCore } from './process-core.js';
import type { Process } from './process.js';

/** process.ts imports this module (a Process registers as a child of the current one): required at run time, a load cycle otherwise. */
const processModule = lazy<typeof import('./process.js')>(() => require('./process.js'));

let current: Process | undefined;
/** This process's place in the tree (Python's _identity): [] in a process loom did not start. */
let identity: number[] = [];
let counter = 0;
const children = new Set<Process>();

/** A Process object for a process loom did not start as a Process (the main one, a pool worker). */
function standIn(name: string, daemon: boolean): Process {
  const proc = Object.create(processModule().Process.prototype) as Process;
  setCore(proc, newCore({ name, daemon, inside: true, started: true, identity }));
  return proc;
}

/** @internal Inside a child: its Process object (revived) or the name of the pool worker it is. */
export function setCurrentProcess(proc: Process | { name: string; daemon: boolean }, childIdentityParts: number[]): void {
  identity = childIdentityParts;
  current = 'run' in proc ? proc : standIn(proc.name, proc.daemon);
}

/** @internal The identity of the next child this process starts. */
export function childIdentity(): number[] {
  return [...identity, ++counter];
}

/** @internal */
export function startedChild(proc: Process): void {
  children.add(proc);
}

/** @internal */
export function stoppedChild(proc: Process): void {
  children.delete(proc);
}

/**
 * The Process object of the calling process: inside a child started as a
 * Process, that very object (its subclass, with its fields); a stand-in named
 * "MainProcess" in a process loom did not start, "PoolWorker-N" in a pool worker.
 */
export function currentProcess(): Process {
  current ??= standIn('MainProcess', false);
  return current;
}

/** The children this process started that have not exited yet (Python's active_children). */
export function activeChildren(): Process[] {
  return [...children].filter((child) => child.isAlive());
}

/** The parent's pid, or undefined in a process loom did not start (Python's parent_process, as a pid). */
export function parentPid(): number | undefined {
  return identity.length > 0 ? process.ppid : undefined;
}
