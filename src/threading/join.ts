/**
 * join() and joinSync(), once for Thread and Process: both wait for the STATE
 * cell of their control block to say finished (a Process's block keeps STATE
 * at the same index), then settle what the wait brought.
 */
import { timeoutMs } from '../internal/validate.js';
import { runAsync, runSync } from '../internal/wait.js';
import { finishSteps } from './thread-core.js';

/** What a join waits on, from a Thread or Process that can be joined now, and what it does after the wait. */
export interface Joining {
  control: Int32Array;
  /** Rethrows the error run() threw, once finished; nothing after a timeout. */
  settle(): void;
}

/** Blocks this thread until finished or `timeout` seconds; `begin` checks the object can be joined (after the timeout is checked). */
export function waitForJoinSync(timeout: number | undefined, begin: () => Joining): void {
  const ms = timeoutMs('timeout', timeout);
  const joining = begin();
  runSync(finishSteps(joining.control, ms));
  joining.settle();
}

/** Like joinSync, without blocking the event loop. */
export function waitForJoin(timeout: number | undefined, begin: () => Joining): Promise<void> {
  const ms = timeoutMs('timeout', timeout);
  const joining = begin();
  return runAsync(finishSteps(joining.control, ms)).then(() => joining.settle());
}
