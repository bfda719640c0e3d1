/**
 * Waits the hub runs for a child (share/served.ts), which stop when that
 * child is gone: an acquire or a wait of a process that has exited must not
 * go on and take a lock or a notify from the living. The hub marks the
 * Caller of a child gone when it exits (one Caller object per child, so a
 * new child that happens to get the same pid is not taken for it).
 */
import { runAsync, type Waiting } from '../wait.js';
import type { Caller } from './served.js';

/**
 * The op a hub's service runs on an object when an operation of a child
 * completes after that child has exited: args `[op, result]`. A class undoes
 * there what the op took (an acquire that succeeded releases), so nothing is
 * held by a process that is gone. Classes that take nothing need not know it.
 */
export const ABANDON_OP = 'abandon';

/** How often a long wait looks whether its child is still there (as the queue service does). */
const CHECK_MS = 1000;

const gone = new WeakSet<Caller>();

/** The hub: this child has exited. */
export function markCallerGone(caller: Caller): void {
  gone.add(caller);
}

export function isCallerGone(caller: Caller): boolean {
  return gone.has(caller);
}

/** Thrown into nothing: the hub drops the answer of a child that is gone. */
export class CallerGone extends Error {}

/**
 * Runs `steps` for `caller` as runAsync does, each wait at most CHECK_MS; when
 * the caller is gone it stops the steps (their finally blocks run) and throws
 * CallerGone. Steps that cannot be stopped halfway (a Barrier's) use runAsync.
 */
export function runForCaller<T>(steps: Waiting<T>, caller: Caller): Promise<T> {
  function* checked(): Waiting<T> {
    let step = steps.next();
    while (!step.done) {
      yield { ...step.value, ms: Math.min(step.value.ms, CHECK_MS) };
      if (gone.has(caller)) {
        steps.return(undefined as never);
        throw new CallerGone();
      }
      step = steps.next();
    }
    return step.value;
  }
  return runAsync(checked());
}
