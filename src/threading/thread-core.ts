/**
 * The state behind each Thread object, kept outside the object (a WeakMap)
 * so that a Thread subclass instance's own fields are exactly the user's:
 * those are what travel to the thread and back.
 */
import type { TransferListItem } from 'node:worker_threads';
import { ThreadStateError } from '../errors.js';
import type { ThreadAgent } from '../internal/thread/agent.js';
import type { SerializedError } from '../internal/error-wire.js';
import { CONTROL, STATE_FINISHED, STATE_RUNNING } from '../internal/thread/messages.js';
import { decode } from '../internal/share/encode.js';
import { deadlineAfter, remaining, type Waiting } from '../internal/wait.js';

export interface ThreadCore {
  name: string;
  daemon: boolean;
  target: ((...args: never[]) => unknown) | undefined;
  args: unknown[];
  transfer: TransferListItem[];
  /** True for the object describing the thread that runs this code (main, dummy, or a thread's own). */
  inside: boolean;
  started: boolean;
  control: Int32Array | undefined;
  agent: ThreadAgent | undefined;
  ident: number | undefined;
  /** The reply has been applied (fields copied back). */
  settled: boolean;
  error: SerializedError | undefined;
  thrown: unknown;
  /** join() was called, so an error will be seen there and need not be printed. */
  observed: boolean;
  /** The thread printed its error itself (outputHooks.reportErrorsInWorker). */
  reported: boolean;
}

const cores = new WeakMap<object, ThreadCore>();

export function setCore(thread: object, core: ThreadCore): void {
  cores.set(thread, core);
}

export function coreOf(thread: object): ThreadCore {
  const core = cores.get(thread);
  if (!core) throw new ThreadStateError('Thread constructor was not called (call super() in your subclass constructor)');
  return core;
}

export function newCore(fields: Partial<ThreadCore> & Pick<ThreadCore, 'name' | 'daemon'>): ThreadCore {
  return {
    target: undefined, args: [], transfer: [], inside: false, started: false, control: undefined, agent: undefined,
    ident: undefined, settled: false, error: undefined, thrown: undefined, observed: false, reported: false, ...fields,
  };
}

/** A control block for a thread that is running and will never be seen to finish (main, dummy). */
export function runningControl(): Int32Array {
  const control = new Int32Array(CONTROL.CELLS);
  control[CONTROL.STATE] = STATE_RUNNING;
  return control;
}

export function isFinished(core: ThreadCore): boolean {
  return core.control !== undefined && Atomics.load(core.control, CONTROL.STATE) === STATE_FINISHED;
}

/** Waits until the thread's state is FINISHED or `ms` pass. */
export function* finishSteps(control: Int32Array, ms: number): Waiting<void> {
  const deadline = deadlineAfter(ms);
  while (Atomics.load(control, CONTROL.STATE) !== STATE_FINISHED) {
    const left = remaining(deadline);
    if (left <= 0) return;
    yield { cells: control, index: CONTROL.STATE, value: STATE_RUNNING, ms: left };
  }
}

/**
 * Applies the finished thread's reply to the Thread object: its fields come
 * back (so `t.lineOfText` is there after `while (t.isAlive())`), its error is
 * kept for join(). Reads the reply with receiveMessageOnPort, so it works even
 * if this thread never yielded to its event loop.
 */
export function settle(thread: object, core: ThreadCore): void {
  if (core.settled || core.inside || !isFinished(core)) return;
  const reply = core.agent?.takeReply();
  if (!reply) {
    // No reply and finished: the worker died and onExit recorded the error.
    if (core.error) core.settled = true;
    return;
  }
  core.settled = true;
  Object.assign(thread, decode(reply.fields));
  for (const { field, reason } of reply.dropped) {
    process.emitWarning(`thread ${core.name}: field '${field}' could not be copied back (${reason})`, { code: 'LOOM_FIELD_DROPPED' });
  }
  core.error ??= reply.error;
  core.reported = reply.reported === true;
  core.agent?.unref();
}
