/**
 * The keyword arguments of Python's `acquire(blocking=True, timeout=-1)`, shared by Lock, RLock,
 * Semaphore and Condition. Python has two rules for a negative timeout, and loom keeps both:
 * Lock and RLock (C locks) take -1 as "wait forever" and refuse other negatives; Semaphore
 * (written in Python) takes any negative timeout as zero.
 */
import { ArgumentValueError } from '../errors.js';
import { optionalBoolean, optionsObject, show, timeoutMs, valueError } from '../internal/validate.js';

export interface AcquireOptions {
  /**
   * Wait for the lock when it is taken. With `false` the call returns at once.
   * @default true
   */
  blocking?: boolean;
  /**
   * Give up after this many seconds (Python's unit). Undefined waits forever. For Lock and RLock
   * (and a Condition over one), -1 also waits forever and other negative values are refused;
   * a Semaphore's acquire takes a negative timeout as zero.
   * @default undefined
   */
  timeout?: number;
}

/** Whose rule applies to a negative timeout: a Lock's or RLock's, or a Semaphore's. */
export type AcquireRule = 'lock' | 'semaphore';

function nonBlockingWithTimeout(timeout: unknown): ArgumentValueError {
  return new ArgumentValueError(`'timeout' cannot be given with blocking: false (a non-blocking acquire never waits); got timeout ${show(timeout)}`);
}

/** Python's lock.acquire: -1 (its default) waits forever, even with blocking false; other negatives raise ValueError. */
function lockMs(block: boolean, timeout: unknown): number {
  if (timeout === -1) return block ? Infinity : 0;
  if (!block && timeout !== undefined) throw nonBlockingWithTimeout(timeout);
  if (!block) return 0;
  if (typeof timeout === 'number' && timeout < 0) throw valueError('timeout', 'a non-negative number of seconds, or -1 to wait forever', timeout);
  return timeoutMs('timeout', timeout);
}

/** Python's Semaphore.acquire: any timeout with blocking false raises ValueError; a negative one counts as zero. */
function semaphoreMs(block: boolean, timeout: unknown): number {
  if (!block && timeout !== undefined) throw nonBlockingWithTimeout(timeout);
  return block ? timeoutMs('timeout', timeout) : 0;
}

/** How long an acquire may wait, in milliseconds: 0 for non-blocking, Infinity for no limit. */
export function acquireMs(options: AcquireOptions | undefined, rule: AcquireRule = 'lock'): number {
  const { blocking, timeout } = optionsObject<AcquireOptions>('options', options);
  const block = optionalBoolean('blocking', blocking, true);
  return rule === 'lock' ? lockMs(block, timeout) : semaphoreMs(block, timeout);
}
