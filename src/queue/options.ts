/** Options of the queue classes and their calls, documented once. */
import { optionalBoolean, optionsObject, nonNegativeInteger, nonNegativeTimeoutMs, typeError, valueError } from '../internal/validate.js';

export interface QueueOptions {
  /**
   * Upper bound on the number of items; `put` waits while it is reached (back-pressure). 0 or less: no bound.
   * @default 0
   */
  maxsize?: number;
  /**
   * Bytes of shared memory for items (each takes its serialized size plus 20 bytes). `put` waits while
   * they are in use, independently of `maxsize`; an item larger than this throws ItemTooLargeError.
   * @default 1048576 (1 MiB)
   */
  byteCapacity?: number;
}

export interface PutOptions {
  /** Wait for room when the queue is full; with false, throw Full at once. @default true */
  block?: boolean;
  /** Wait at most this many seconds, then throw Full. Undefined waits forever. @default undefined */
  timeout?: number;
}

export interface GetOptions {
  /** Wait for an item when the queue is empty; with false, throw Empty at once. @default true */
  block?: boolean;
  /** Wait at most this many seconds, then throw Empty. Undefined waits forever. @default undefined */
  timeout?: number;
}

export const DEFAULT_BYTE_CAPACITY = 1 << 20;

/** The largest bound a queue's Int32 header cell holds; a larger one could never be reached (each item takes 20 bytes or more). */
const MAXSIZE_LIMIT = 2 ** 31 - 1;

/** A maxsize as Python takes it: an integer, 0 or less for no bound (stored as 0); one beyond any reachable count is kept as 2**31 - 1. */
export function maxsizeValue(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError('maxsize', 'an integer', value);
  return Math.min(MAXSIZE_LIMIT, Math.max(0, value));
}

/** `new Queue(10)` as in Python, or `new Queue({maxsize: 10, byteCapacity})`. */
export function queueOptions(arg: unknown): { maxsize: number; byteCapacity: number } {
  if (typeof arg === 'number') return { maxsize: maxsizeValue(arg), byteCapacity: DEFAULT_BYTE_CAPACITY };
  const { maxsize, byteCapacity } = optionsObject<QueueOptions>('options', arg);
  const bytes = nonNegativeInteger('byteCapacity', byteCapacity, DEFAULT_BYTE_CAPACITY);
  if (bytes < 64 || bytes > 2 ** 31 - 64) throw valueError('byteCapacity', 'between 64 and 2**31 - 64 bytes', byteCapacity);
  return { maxsize: maxsizeValue(maxsize ?? 0), byteCapacity: bytes };
}

/**
 * How long a put/get may wait, in ms: 0 when not blocking. A negative timeout
 * is refused as in Python's queue.Queue, which ignores the timeout (and does
 * not check it) when block is false.
 */
export function waitMs(options: PutOptions | GetOptions | undefined): number {
  const { block, timeout } = optionsObject<PutOptions>('options', options);
  const blocking = optionalBoolean('block', block, true);
  return blocking ? nonNegativeTimeoutMs('timeout', timeout) : 0;
}
