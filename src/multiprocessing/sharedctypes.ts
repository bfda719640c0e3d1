/**
 * multiprocessing.Value and Array: numbers in shared memory, with a lock.
 * They are SharedArrayBuffers, so they reach threads (Thread args, ThreadPool
 * tasks), not other processes: Node processes share no memory. Pass them to a
 * Process and start() says so.
 */
import { RLock } from '../threading/rlock.js';
import { Lock } from '../threading/lock.js';
import { adopt, registerShareable, remember, revive, SHARE, type Shareable, type SharedForm } from '../internal/share/registry.js';
import { optionsObject, typeError, valueError } from '../internal/validate.js';

type TypedArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;
type TypedArrayClass = new (buffer: SharedArrayBuffer | number) => TypedArray;

/**
 * Python's typecodes (the array module's), and ctypes names. 'l'/'L'/'q'/'Q'
 * are 64-bit (as C long is on Linux) and hold bigints.
 */
const TYPES: Record<string, TypedArrayClass> = {
  b: Int8Array, B: Uint8Array, h: Int16Array, H: Uint16Array, i: Int32Array, I: Uint32Array,
  l: BigInt64Array, L: BigUint64Array, q: BigInt64Array, Q: BigUint64Array, f: Float32Array, d: Float64Array,
  c_byte: Int8Array, c_ubyte: Uint8Array, c_short: Int16Array, c_ushort: Uint16Array, c_int: Int32Array, c_uint: Uint32Array,
  c_long: BigInt64Array, c_ulong: BigUint64Array, c_longlong: BigInt64Array, c_ulonglong: BigUint64Array, c_float: Float32Array, c_double: Float64Array,
};

/** A typecode ('i', 'd', ...) or a ctypes name ('c_int', 'c_double', ...). */
export type Typecode = 'b' | 'B' | 'h' | 'H' | 'i' | 'I' | 'l' | 'L' | 'q' | 'Q' | 'f' | 'd' | `c_${string}`;

export interface SharedOptions {
  /**
   * true: a new RLock guards it (Python's default); false: no lock (Python's RawValue/RawArray);
   * or a Lock/RLock of your own.
   * @default true
   */
  lock?: boolean | Lock | RLock;
}

function typeOf(typecode: unknown): TypedArrayClass {
  const cls = typeof typecode === 'string' ? TYPES[typecode] : undefined;
  if (!cls) throw valueError('typecode', `one of ${Object.keys(TYPES).join(', ')}`, typecode);
  return cls;
}

function lockOf(options: SharedOptions | undefined): Lock | RLock | undefined {
  const { lock } = optionsObject<SharedOptions>('options', options);
  if (lock === undefined || lock === true) return new RLock();
  if (lock === false) return undefined;
  if (lock instanceof Lock || lock instanceof RLock) return lock;
  throw typeError('lock', 'a boolean, a Lock or an RLock', lock);
}

interface SharedData {
  typecode: string;
  buffer: SharedArrayBuffer;
  lock?: SharedForm;
}

/**
 * A number in shared memory, like Python's `multiprocessing.Value`. `.value`
 * reads and writes it; `getLock()` guards read-modify-write sequences.
 *
 * @example
 * ```ts
 * const counter = new Value('i', 0);
 * // in each thread:
 * using _ = counter.getLock().holdSync();
 * counter.value += 1;
 * ```
 */
export class Value<T extends number | bigint = number> implements Shareable {
  readonly #id: number;
  readonly #cells: TypedArray;
  readonly #typecode: string;
  readonly #lock: Lock | RLock | undefined;

  /** @param value the initial number (0 by default); for 64-bit typecodes a bigint, with `new Value<bigint>(...)`. */
  constructor(typecode?: Typecode, value?: number | bigint, options?: SharedOptions) {
    const { id, data } = adopt<SharedData>();
    this.#id = id;
    if (data) {
      this.#typecode = data.typecode;
      this.#cells = new (typeOf(data.typecode))(data.buffer);
      this.#lock = data.lock ? (revive(data.lock) as Lock | RLock) : undefined;
    } else {
      const cls = typeOf(typecode);
      this.#typecode = typecode!;
      this.#cells = new cls(new SharedArrayBuffer((cls as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT));
      if (value !== undefined) this.value = value as T;
      this.#lock = lockOf(options);
    }
    remember(id, this);
  }

  /** The number (a bigint for 64-bit typecodes). */
  get value(): T {
    return this.#cells[0] as T;
  }
  set value(value: T) {
    (this.#cells as unknown as T[])[0] = value;
  }

  get typecode(): string {
    return this.#typecode;
  }

  /** The lock guarding it (Python's get_lock); throws for a Value made with {lock: false}. */
  getLock(): Lock | RLock {
    if (!this.#lock) throw typeError('lock', 'present: this Value was made with {lock: false}', false);
    return this.#lock;
  }

  /** The shared memory itself, a typed array of one element (Python's get_obj). */
  getObj(): TypedArray {
    return this.#cells;
  }

  /** @internal */
  [SHARE](): SharedForm {
    return { kind: 'mp.Value', id: this.#id, data: { typecode: this.#typecode, buffer: this.#cells.buffer as SharedArrayBuffer, lock: this.#lock?.[SHARE]() } };
  }

  toString(): string {
    return `<Value ${this.#typecode} ${String(this.value)}>`;
  }
}

/**
 * Numbers in shared memory, like Python's `multiprocessing.Array`: index it
 * (`arr[0] = 5`), take its `length`, iterate it; `getLock()` guards sequences
 * of reads and writes. Exported as `Array` from loom/multiprocessing.
 *
 * @example
 * ```ts
 * const squares = new multiprocessing.Array('d', 10);     // 10 zeros
 * const primes = new multiprocessing.Array('i', [2, 3, 5]);
 * ```
 */
export class SharedArray<T extends number | bigint = number> implements Shareable, Iterable<T> {
  readonly #id: number;
  readonly #cells: TypedArray;
  readonly #typecode: string;
  readonly #lock: Lock | RLock | undefined;
  [index: number]: T;

  constructor(typecode?: Typecode, sizeOrItems?: number | Iterable<NoInfer<T>>, options?: SharedOptions) {
    const { id, data } = adopt<SharedData>();
    this.#id = id;
    if (data) {
      this.#typecode = data.typecode;
      this.#cells = new (typeOf(data.typecode))(data.buffer);
      this.#lock = data.lock ? (revive(data.lock) as Lock | RLock) : undefined;
    } else {
      const cls = typeOf(typecode);
      this.#typecode = typecode!;
      const items = typeof sizeOrItems === 'number' ? undefined : sizeOrItems === undefined ? [] : [...sizeOrItems];
      const length = items?.length ?? (sizeOrItems as number);
      if (!Number.isInteger(length) || length < 0) throw valueError('sizeOrItems', 'a non-negative whole number or an iterable of numbers', sizeOrItems);
      const size = (cls as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      this.#cells = new cls(new SharedArrayBuffer(Math.max(size, length * size)));
      if (length === 0) this.#cells = this.#cells.subarray(0, 0);
      items?.forEach((item, i) => ((this.#cells as unknown as T[])[i] = item));
      this.#lock = lockOf(options);
    }
    const proxy = new Proxy(this, {
      get: (target, key) => {
        if (typeof key === 'string' && /^\d+$/.test(key)) return target.#cells[Number(key)];
        // Getters and methods run on the object itself: its #private fields are not on the proxy.
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
      set: (target, key, value) => {
        if (typeof key === 'string' && /^\d+$/.test(key)) {
          const index = Number(key);
          if (index >= target.#cells.length) throw new RangeError(`index ${index} is out of range for an Array of length ${target.#cells.length}`);
          (target.#cells as unknown as unknown[])[index] = value;
          return true;
        }
        return Reflect.set(target, key, value, target);
      },
      has: (target, key) => (typeof key === 'string' && /^\d+$/.test(key) ? Number(key) < target.#cells.length : Reflect.has(target, key)),
    });
    remember(id, proxy);
    return proxy;
  }

  get length(): number {
    return this.#cells.length;
  }

  get typecode(): string {
    return this.#typecode;
  }

  [Symbol.iterator](): Iterator<T> {
    return (this.#cells as unknown as Iterable<T>)[Symbol.iterator]();
  }

  /** A plain array copy of items [start, end). */
  slice(start?: number, end?: number): T[] {
    return [...(this.#cells.slice(start, end) as unknown as Iterable<T>)];
  }

  /** The lock guarding it (Python's get_lock); throws for an Array made with {lock: false}. */
  getLock(): Lock | RLock {
    if (!this.#lock) throw typeError('lock', 'present: this Array was made with {lock: false}', false);
    return this.#lock;
  }

  /** The shared memory itself, as a typed array (Python's get_obj). */
  getObj(): TypedArray {
    return this.#cells;
  }

  /** @internal */
  [SHARE](): SharedForm {
    return { kind: 'mp.Array', id: this.#id, data: { typecode: this.#typecode, buffer: this.#cells.buffer as SharedArrayBuffer, lock: this.#lock?.[SHARE]() } };
  }

  toString(): string {
    return `<Array ${this.#typecode} [${this.slice().join(', ')}]>`;
  }
}

/** A Value without a lock (Python's RawValue). */
export function RawValue<T extends number | bigint = number>(typecode: Typecode, value?: number | bigint): Value<T> {
  return new Value<T>(typecode, value, { lock: false });
}

/** An Array without a lock (Python's RawArray). */
export function RawArray<T extends number | bigint = number>(typecode: Typecode, sizeOrItems: number | Iterable<T>): SharedArray<T> {
  return new SharedArray<T>(typecode, sizeOrItems, { lock: false });
}

registerShareable('mp.Value', Value);
registerShareable('mp.Array', SharedArray);
