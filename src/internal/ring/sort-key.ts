/**
 * How a PriorityQueue orders its items: Python's `<`, on bytes kept in the
 * ring next to each item, so a getter compares entries in shared memory
 * without deserializing any of them.
 *
 * Python compares numbers with numbers (bool is an int), str with str by code
 * point, bytes with bytes, and tuples element by element (the first elements
 * that are not `==` decide; a shorter prefix comes first); anything else raises
 * TypeError: `'<' not supported between instances of 'str' and 'int'`. A sort
 * key is the item's shape in that light: numbers as f64, strings as UTF-8
 * (whose byte order is code point order, unlike JS `<` on UTF-16 units),
 * bigints as their digits (Python's int), Uint8Arrays as their bytes, arrays
 * as their elements, and any other value as its type name only. null and
 * undefined are equal to themselves, as None is. Two objects of one type that
 * meet at a tie are equal only if the whole items are (their bytes in the
 * ring, compared by the caller: OBJECTS_TIED); serializing each object a
 * second time for its key would double the cost of the common
 * `[priority, object]` put.
 */
import { ArgumentTypeError } from '../../errors.js';

const NUMBER = 1;
const BOOLEAN = 2;
const STRING = 3;
const BYTES = 4;
const ARRAY = 5;
/** null or undefined: one value each, equal to itself. */
const UNIT = 6;
/** Any other value: its type name. */
const OTHER = 7;
/** A bigint (Python's int has no bound): its decimal digits, compared with numbers by value. */
const BIGINT = 8;

/** compareSortKeys' answer when two objects of one type meet at a tie: equal if the whole items are, else TypeError. */
export const OBJECTS_TIED = 2;

/** Writes a key into a buffer that grows as needed. */
class KeyWriter {
  buffer = Buffer.allocUnsafe(64);
  at = 0;

  room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }

  byte(value: number): void {
    this.room(1);
    this.buffer[this.at++] = value;
  }

  u32(value: number): void {
    this.room(4);
    this.at = this.buffer.writeUInt32LE(value, this.at);
  }

  f64(value: number): void {
    this.room(8);
    this.at = this.buffer.writeDoubleLE(value, this.at);
  }

  bytes(value: Uint8Array): void {
    this.u32(value.length);
    this.room(value.length);
    this.buffer.set(value, this.at);
    this.at += value.length;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name || 'Object';
}

function write(out: KeyWriter, value: unknown): void {
  if (typeof value === 'number') {
    out.byte(NUMBER);
    out.f64(value);
  } else if (typeof value === 'boolean') {
    out.byte(BOOLEAN);
    out.f64(value ? 1 : 0);
  } else if (typeof value === 'bigint') {
    out.byte(BIGINT);
    out.bytes(Buffer.from(value.toString(), 'latin1'));
  } else if (typeof value === 'string') {
    out.byte(STRING);
    out.bytes(Buffer.from(value, 'utf8'));
  } else if (value instanceof Uint8Array) {
    out.byte(BYTES);
    out.bytes(value);
  } else if (Array.isArray(value)) {
    out.byte(ARRAY);
    out.u32(value.length);
    for (const element of value as unknown[]) write(out, element);
  } else {
    out.byte(value === null || value === undefined ? UNIT : OTHER);
    out.bytes(Buffer.from(typeName(value), 'utf8'));
  }
}

/** The sort key of a PriorityQueue item (a number, the common case, without the writer). */
export function sortKey(item: unknown): Buffer {
  if (typeof item === 'number') {
    const key = Buffer.allocUnsafe(9);
    key[0] = NUMBER;
    key.writeDoubleLE(item, 1);
    return key;
  }
  const out = new KeyWriter();
  write(out, item);
  return out.buffer.subarray(0, out.at);
}

/** Whether the key at `at` is a plain number's: comparable with every other such key. */
export function isNumberKey(key: Buffer, at: number): boolean {
  return key[at] === NUMBER;
}

/** Numbers, bigints and booleans compare with each other, as Python's int, float and bool do. */
function classOf(tag: number): number {
  return tag === BOOLEAN || tag === BIGINT ? NUMBER : tag;
}

const NAMES: Record<number, string> = { [NUMBER]: 'number', [BOOLEAN]: 'boolean', [BIGINT]: 'bigint', [STRING]: 'string', [BYTES]: 'Uint8Array', [ARRAY]: 'array' };

function nameAt(key: Buffer, at: number): string {
  return key[at] === UNIT || key[at] === OTHER ? key.toString('utf8', at + 5, at + 5 + key.readUInt32LE(at + 1)) : NAMES[key[at]];
}

/** The two type names of the last OBJECTS_TIED, for objectsTiedError. */
let tied: [string, string] = ['', ''];

function notSupported(a: string, b: string): ArgumentTypeError {
  return new ArgumentTypeError(
    `'<' not supported between instances of '${a}' and '${b}' (Python's TypeError): a PriorityQueue orders items as Python does ` +
      '(numbers, strings, Uint8Arrays, arrays element by element), so an item must be comparable with every item queued; this one was not put',
  );
}

/** The error for an OBJECTS_TIED answer whose items are not equal. */
export function objectsTiedError(): ArgumentTypeError {
  return notSupported(tied[0], tied[1]);
}

/** Python's order of two numbers; NaN is equal to everything, as `<` says neither way. */
function order(x: number | bigint, y: number | bigint): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Where the last numeric() value ends. */
let numericEnd = 0;

/** The number or bigint at `at` (its tag just before); numericEnd is where it ends. */
function numeric(key: Buffer, at: number): number | bigint {
  if (key[at - 1] !== BIGINT) {
    numericEnd = at + 8;
    return key.readDoubleLE(at);
  }
  numericEnd = at + 4 + key.readUInt32LE(at);
  return BigInt(key.toString('latin1', at + 4, numericEnd));
}

/** Where each side's walk is: compare() runs under the queue's lock, one at a time per thread, so plain variables do. */
let aAt = 0;
let bAt = 0;

/** Compares the length-prefixed bytes at aAt and bAt (strings, Uint8Arrays, type names) and moves past them. */
function compareBytes(a: Buffer, b: Buffer): number {
  const as = aAt + 4;
  const ae = as + a.readUInt32LE(aAt);
  const bs = bAt + 4;
  const be = bs + b.readUInt32LE(bAt);
  aAt = ae;
  bAt = be;
  return a.compare(b, bs, be, as, ae);
}

/** null, undefined or an object against one of its kind: `nested` is inside an array, where Python asks `==` first. */
function compareUnordered(a: Buffer, b: Buffer, tag: number, nested: boolean): number {
  const [aStart, bStart] = [aAt - 1, bAt - 1];
  const sameType = compareBytes(a, b) === 0;
  if (nested && sameType && tag === UNIT) return 0;
  if (nested && sameType) {
    tied = [nameAt(a, aStart), nameAt(b, bStart)];
    return OBJECTS_TIED;
  }
  throw notSupported(nameAt(a, aStart), nameAt(b, bStart));
}

function compareArrays(a: Buffer, b: Buffer): number {
  const aLength = a.readUInt32LE(aAt);
  const bLength = b.readUInt32LE(bAt);
  aAt += 4;
  bAt += 4;
  for (let i = 0; i < aLength && i < bLength; i++) {
    const result = compareValue(a, b, true);
    if (result !== 0) return result;
  }
  return order(aLength, bLength);
}

/** Compares the values at aAt and bAt and moves past them when equal. */
function compareValue(a: Buffer, b: Buffer, nested: boolean): number {
  const tag = classOf(a[aAt]);
  if (tag !== classOf(b[bAt])) throw notSupported(nameAt(a, aAt), nameAt(b, bAt));
  aAt++;
  bAt++;
  switch (tag) {
    case NUMBER: {
      // < and > compare a bigint with a number exactly.
      const x = numeric(a, aAt);
      aAt = numericEnd;
      const y = numeric(b, bAt);
      bAt = numericEnd;
      return order(x, y);
    }
    case STRING:
    case BYTES:
      return compareBytes(a, b);
    case ARRAY:
      return compareArrays(a, b);
    default:
      return compareUnordered(a, b, tag, nested);
  }
}

/**
 * Python's order of the items whose keys start at `a[aStart]` and `b[bStart]`:
 * negative, 0 or positive, or OBJECTS_TIED; throws ArgumentTypeError (Python's
 * TypeError) when Python's `<` would raise.
 */
export function compareSortKeys(a: Buffer, aStart: number, b: Buffer, bStart: number): number {
  // The common items first, read in place: two numbers, or two arrays whose first elements are different numbers.
  const aTag = a[aStart];
  const bTag = b[bStart];
  if (aTag === NUMBER && bTag === NUMBER) return order(a.readDoubleLE(aStart + 1), b.readDoubleLE(bStart + 1));
  if (aTag === ARRAY && bTag === ARRAY && a.readUInt32LE(aStart + 1) > 0 && b.readUInt32LE(bStart + 1) > 0 && a[aStart + 5] === NUMBER && b[bStart + 5] === NUMBER) {
    const first = order(a.readDoubleLE(aStart + 6), b.readDoubleLE(bStart + 6));
    if (first !== 0) return first;
  }
  aAt = aStart;
  bAt = bStart;
  return compareValue(a, b, false);
}
