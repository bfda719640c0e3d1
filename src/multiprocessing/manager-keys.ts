/**
 * Keys of a Manager's dict. Values are copied between threads and processes,
 * so a key must compare by value: primitives (a string, a number, a bigint, a
 * boolean, null, undefined) and arrays of them (Python's tuples, hashable
 * when their items are). Objects are refused as Python refuses a list or a
 * dict key: `unhashable type`. Two keys are the same key when their
 * canonical strings are.
 */
import { ArgumentTypeError } from '../errors.js';

/** What a Manager's dict takes as a key. */
export type DictKey = string | number | bigint | boolean | null | undefined | readonly DictKey[];

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Map) return 'Map';
  if (value instanceof Set) return 'Set';
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

/** The canonical string of `key`; throws ArgumentTypeError (Python's TypeError) for a key that cannot be one. */
export function keyOf(key: unknown): string {
  switch (typeof key) {
    case 'string':
      return `s${key}`;
    case 'number':
      // 0 and -0 are one key, as in a Map (and Python).
      return `n${key === 0 ? 0 : key}`;
    case 'bigint':
      return `b${key}`;
    case 'boolean':
      return key ? 't' : 'f';
    case 'undefined':
      return 'u';
  }
  if (key === null) return 'z';
  if (Array.isArray(key)) return `a${JSON.stringify(key.map(keyOf))}`;
  throw new ArgumentTypeError(
    `unhashable type: '${typeName(key)}': a Manager dict's keys are compared by value, so they must be strings, numbers, bigints, booleans, null, undefined or arrays of them`,
  );
}
