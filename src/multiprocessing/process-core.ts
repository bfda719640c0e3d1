/**
 * The state behind each Process object, kept outside it (a WeakMap) like a
 * Thread's, so that a subclass instance's own fields are exactly the user's:
 * those travel to the child.
 */
import { ProcessStateError } from '../errors.js';
import type { HubClient } from '../internal/hub/client.js';
import { PC } from '../internal/hub/protocol.js';

export interface ProcessCore {
  name: string;
  daemon: boolean;
  target: ((...args: never[]) => unknown) | undefined;
  args: unknown[];
  /** Python's _identity: [1, 2] names "Process-1:2". */
  identity: number[];
  /** The object describing the process that runs this code (main, or a child's own). */
  inside: boolean;
  started: boolean;
  /** Shared with the hub: STATE, PID, EXIT (protocol.ts PC). */
  control: Int32Array | undefined;
  hub: HubClient | undefined;
  /** The hub's id for it. */
  id: number;
  /** What run() threw in the child, serialized; set by the hub's 'proc-finished' event. */
  error: Uint8Array | undefined;
  thrown: unknown;
  /** join() was called, so an error is seen there and need not be printed. */
  observed: boolean;
  /** The child printed its error itself (outputHooks.reportErrorsInWorker): not again here. */
  reported: boolean;
  /** The hub reported the exit (hub released). */
  reaped: boolean;
  pid: number | undefined;
  /** Stops hearing of interrupts (internal/interrupt-work.ts); set while it runs with an output tag. */
  unwatch: (() => void) | undefined;
}

const cores = new WeakMap<object, ProcessCore>();

export function setCore(proc: object, core: ProcessCore): void {
  cores.set(proc, core);
}

export function coreOf(proc: object): ProcessCore {
  const core = cores.get(proc);
  if (!core) throw new ProcessStateError('Process constructor was not called (call super() in your subclass constructor)');
  return core;
}

export function newCore(fields: Partial<ProcessCore> & Pick<ProcessCore, 'name' | 'daemon'>): ProcessCore {
  return {
    target: undefined, args: [], identity: [], inside: false, started: false, control: undefined, hub: undefined, id: 0,
    error: undefined, thrown: undefined, observed: false, reported: false, reaped: false, pid: undefined, unwatch: undefined, ...fields,
  };
}

export const STATE_RUNNING = 1;
export const STATE_FINISHED = 2;

export function isFinished(core: ProcessCore): boolean {
  return core.control !== undefined && Atomics.load(core.control, PC.STATE) === STATE_FINISHED;
}
