/**
 * Argument checks shared by every public class. Each error names the argument
 * and shows the value it got, so a wrong call explains itself.
 */
import { inspect } from 'node:util';
import { ArgumentTypeError, ArgumentValueError } from '../errors.js';

/** A short, readable rendering of any value for an error message. */
export function show(value: unknown): string {
  if (typeof value === 'function') return value.name ? `function ${value.name}` : 'an anonymous function';
  return inspect(value, { depth: 1, breakLength: Infinity, maxArrayLength: 5, maxStringLength: 60 });
}

export function typeError(argument: string, expected: string, value: unknown): ArgumentTypeError {
  return new ArgumentTypeError(`'${argument}' must be ${expected}; got ${show(value)}`);
}

export function valueError(argument: string, expected: string, value: unknown): ArgumentValueError {
  return new ArgumentValueError(`'${argument}' must be ${expected}; got ${show(value)}`);
}

/** A timeout in seconds: a number (not NaN), or undefined/null for "wait forever". */
function checkedTimeout(argument: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) throw typeError(argument, 'a number of seconds, or undefined to wait forever', value);
  return value;
}

/**
 * A timeout in seconds (Python's unit) turned into milliseconds for Atomics;
 * undefined or null means "wait forever" (Infinity). A negative timeout is
 * zero, as in Python's join, wait, poll, result and get of multiprocessing
 * and concurrent.futures (they compute a deadline in the past and just look).
 */
export function timeoutMs(argument: string, value: unknown): number {
  const seconds = checkedTimeout(argument, value);
  return seconds === undefined ? Infinity : Math.max(0, seconds * 1000);
}

/**
 * Like timeoutMs, but a negative timeout is refused (ArgumentValueError):
 * Python's `queue.Queue.get/put` raise "'timeout' must be a non-negative number".
 */
export function nonNegativeTimeoutMs(argument: string, value: unknown): number {
  const seconds = checkedTimeout(argument, value);
  if (seconds === undefined) return Infinity;
  if (seconds < 0) throw valueError(argument, 'a non-negative number of seconds', value);
  return seconds * 1000;
}

export function optionalBoolean(argument: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw typeError(argument, 'a boolean', value);
  return value;
}

export function nonNegativeInteger(argument: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(argument, 'an integer', value);
  if (value < 0) throw valueError(argument, 'a non-negative integer', value);
  return value;
}

export function optionsObject<T extends object>(argument: string, value: unknown): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object') throw typeError(argument, 'an options object', value);
  return value as Partial<T>;
}
