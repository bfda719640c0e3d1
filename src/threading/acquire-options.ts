/** The keyword arguments of Python's `acquire(blocking=True, timeout=-1)`, shared by Lock, RLock, Semaphore and Condition. */
import { ArgumentValueError } from '../errors.js';
import { optionalBoolean, optionsObject, show, timeoutMs } from '../internal/validate.js';

export interface AcquireOptions {
  /**
   * Wait for the lock when it is taken. With `false` the call returns at once.
   * @default true
   */
  blocking?: boolean;
  /**
   * Give up after this many seconds (Python's unit). Undefined waits forever;
   * negative values are refused.
   * @default undefined
   */
  timeout?: number;
}

/** How long an acquire may wait, in milliseconds: 0 for non-blocking, Infinity for no limit. */
export function acquireMs(options: AcquireOptions | undefined): number {
  const { blocking, timeout } = optionsObject<AcquireOptions>('options', options);
  const block = optionalBoolean('blocking', blocking, true);
  if (!block && timeout !== undefined) {
    throw new ArgumentValueError(`'timeout' cannot be given with blocking: false (a non-blocking acquire never waits); got timeout ${show(timeout)}`);
  }
  return block ? timeoutMs('timeout', timeout) : 0;
}
