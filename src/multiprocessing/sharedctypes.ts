/**
 * multiprocessing.Value and Array: numbers in shared memory, with a lock.
 * They are SharedArrayBuffers, so threads (Thread args, ThreadPool tasks) use
 * the memory itself. Node processes share no memory: a child process given
 * one (Process args or fields, pool tasks and initargs) reaches it through
 * its parent's hub, one round trip per read (internal/share/served.ts), and
 * its lock the same way, as a served object of its own.
 */
import { ArgumentTypeError, NotShippableError } from '../errors.js';
import { RLock } from '../threading/rlock.js';
import { Lock } from '../threading/lock.js';
import { isRemoteData, Remote, servedForm, unknownOp, type RemoteData } from '../internal/hub/served-object.js';
import { adopt, registerShareable, remember, revive, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { SERVE, type Served } from '../internal/share/served.js';
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

/** What a child knows of a Value or Array without asking: its lock travels as a served object of its own. */
interface SharedInfo {
  typecode: string;
  length: number;
  lock?: SharedForm;
}

/** A revived Value's or Array's parts: over the memory itself (a thread), or through the process that made it (a child). */
interface Revived {
  typecode: string;
  cells: TypedArray;
  lock: Lock | RLock | undefined;
  remote: Remote | undefined;
}

function revived(data: SharedData | RemoteData): Revived {
  if (isRemoteData(data)) {
    const info = data.remote.info as SharedInfo;
    return { typecode: info.typecode, cells: new Int8Array(0), lock: info.lock ? (revive(info.lock) as Lock | RLock) : undefined, remote: new Remote(data.remote) };
  }
  const cells = new (typeOf(data.typecode))(data.buffer);
  return { typecode: data.typecode, cells, lock: data.lock ? (revive(data.lock) as Lock | RLock) : undefined, remote: undefined };
}

function isBig(typecode: string): boolean {
  return typeOf(typecode) === BigInt64Array || typeOf(typecode) === BigUint64Array;
}

/**
 * In a child a write needs no answer, so what the typed array would refuse
 * (a bigint for 'i', a number for 'q') is refused here, as it is there.
 */
function checkItem(typecode: string, value: unknown): void {
  if (isBig(typecode) ? typeof value !== 'bigint' : typeof value !== 'number') {
    throw new ArgumentTypeError(`an item of typecode '${typecode}' must be a ${isBig(typecode) ? 'bigint' : 'number'}; got ${typeof value}`);
  }
}

function noSharedMemory(what: string): NotShippableError {
  return new NotShippableError(`the shared memory of a ${what} stays in the process that made it; in another process read and write it through the ${what} itself`);
}

/** The lock of a Value or Array for a child: revived there as a served Lock or RLock. */
function lockInfo(lock: Lock | RLock | undefined): SharedForm | undefined {
  return lock?.[SHARE]('process');
}

/**
 * A number in shared memory, like Python's `multiprocessing.Value`. `.value`
 * reads and writes it; `getLock()` guards read-modify-write sequences.
 * Threads use the memory itself. A child process given it (Process args,
 * pool tasks and initargs) asks the parent at each read and sends each write
 * without waiting, and `getLock()` there is the same lock, so
 * `using _ = v.getLock().holdSync(); v.value += 1` is exact across processes
 * as in Python (it costs two round trips to the parent: see bench:lib).
 *
 * @example
 * ```ts
 * const counter = new Value('i', 0);
 * // in each thread:
 * using _ = counter.getLock().holdSync();
 * counter.value += 1;
 * ```
 */
export class Value<T extends number | bigint = number> implements Shareable, Served {
  readonly #id: number;
  readonly #cells: TypedArray;
  readonly #typecode: string;
  readonly #lock: Lock | RLock | undefined;
  /** In a child process: the Value of the process that made it. */
  readonly #remote: Remote | undefined;

  /** @param value the initial number (0 by default); for 64-bit typecodes a bigint, with `new Value<bigint>(...)`. */
  constructor(typecode?: Typecode, value?: number | bigint, options?: SharedOptions) {
    const { id, data } = adopt<SharedData | RemoteData>();
    this.#id = id;
    if (data) {
      ({ typecode: this.#typecode, cells: this.#cells, lock: this.#lock, remote: this.#remote } = revived(data));
    } else {
      const cls = typeOf(typecode);
      this.#typecode = typecode!;
      this.#cells = new cls(new SharedArrayBuffer((cls as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT));
      if (value !== undefined) this.value = value as T;
      this.#lock = lockOf(options);
    }
    if (id !== 0) remember(id, this);
  }

  /** The number (a bigint for 64-bit typecodes). In a child process each read asks the parent, each write is sent to it. */
  get value(): T {
    return this.#remote ? this.#remote.call<T>('get') : (this.#cells[0] as T);
  }
  set value(value: T) {
    if (this.#remote) {
      checkItem(this.#typecode, value);
      this.#remote.post('set', value);
    } else {
      (this.#cells as unknown as T[])[0] = value;
    }
  }

  get typecode(): string {
    return this.#typecode;
  }

  /** The lock guarding it (Python's get_lock); throws for a Value made with {lock: false}. */
  getLock(): Lock | RLock {
    if (!this.#lock) throw typeError('lock', 'present: this Value was made with {lock: false}', false);
    return this.#lock;
  }

  /** The shared memory itself, a typed array of one element (Python's get_obj); not in another process, which has none. */
  getObj(): TypedArray {
    if (this.#remote) throw noSharedMemory('Value');
    return this.#cells;
  }

  /** @internal A child's read or write, run in the hub of the process that made it. */
  [SERVE](op: string, args: unknown[]): unknown {
    switch (op) {
      case 'get': return this.#cells[0];
      case 'set': {
        checkItem(this.#typecode, args[0]);
        (this.#cells as unknown as unknown[])[0] = args[0];
        return undefined;
      }
      default: throw unknownOp('Value', op);
    }
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    return servedForm(this, 'mp.Value', this.#id, target, this.#remote,
      () => ({ typecode: this.#typecode, buffer: this.#cells.buffer as SharedArrayBuffer, lock: this.#lock?.[SHARE]() } satisfies SharedData),
      () => ({ typecode: this.#typecode, length: 1, lock: lockInfo(this.#lock) } satisfies SharedInfo));
  }

  toString(): string {
    return `<Value ${this.#typecode} ${String(this.value)}>`;
  }
}

/**
 * Numbers in shared memory, like Python's `multiprocessing.Array`: index it
 * (`arr[0] = 5`), take its `length`, iterate it; `getLock()` guards sequences
 * of reads and writes. Exported as `Array` from loom/multiprocessing. In a
 * child process given it, each index read and `slice()` (and so iteration)
 * asks the parent, each index write is sent without waiting, `length` is
 * known there, and `getLock()` is the same lock.
 *
 * @example
 * ```ts
 * const squares = new multiprocessing.Array('d', 10);     // 10 zeros
 * const primes = new multiprocessing.Array('i', [2, 3, 5]);
 * ```
 */
export class SharedArray<T extends number | bigint = number> implements Shareable, Served, Iterable<T> {
  readonly #id: number;
  readonly #cells: TypedArray;
  readonly #typecode: string;
  readonly #lock: Lock | RLock | undefined;
  /** In a child process: the Array of the process that made it, and its length. */
  readonly #remote: Remote | undefined;
  readonly #length: number;
  [index: number]: T;

  constructor(typecode?: Typecode, sizeOrItems?: number | Iterable<NoInfer<T>>, options?: SharedOptions) {
    const { id, data } = adopt<SharedData | RemoteData>();
    this.#id = id;
    if (data) {
      ({ typecode: this.#typecode, cells: this.#cells, lock: this.#lock, remote: this.#remote } = revived(data));
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
    this.#length = isRemoteData(data) ? (data.remote.info as SharedInfo).length : this.#cells.length;
    const proxy = new Proxy(this, {
      get: (target, key) => {
        if (typeof key === 'string' && /^\d+$/.test(key)) return target.#item(Number(key));
        // Getters and methods run on the object itself: its #private fields are not on the proxy.
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
      set: (target, key, value) => {
        if (typeof key === 'string' && /^\d+$/.test(key)) {
          target.#setItem(Number(key), value);
          return true;
        }
        return Reflect.set(target, key, value, target);
      },
      has: (target, key) => (typeof key === 'string' && /^\d+$/.test(key) ? Number(key) < target.#length : Reflect.has(target, key)),
    });
    if (id !== 0) remember(id, proxy);
    return proxy;
  }

  /** Item `index` (undefined past the end, as a typed array gives); in a child, asked of the parent. */
  #item(index: number): T | undefined {
    if (this.#remote) return index < this.#length ? this.#remote.call<T>('get', index) : undefined;
    return this.#cells[index] as T | undefined;
  }

  #setItem(index: number, value: unknown): void {
    if (index >= this.#length) throw new RangeError(`index ${index} is out of range for an Array of length ${this.#length}`);
    if (this.#remote) {
      checkItem(this.#typecode, value);
      this.#remote.post('set', index, value);
    } else {
      (this.#cells as unknown as unknown[])[index] = value;
    }
  }

  get length(): number {
    return this.#length;
  }

  get typecode(): string {
    return this.#typecode;
  }

  /** The items; in a child process, as they are when iteration starts (one request). */
  [Symbol.iterator](): Iterator<T> {
    if (this.#remote) return this.slice()[Symbol.iterator]();
    return (this.#cells as unknown as Iterable<T>)[Symbol.iterator]();
  }

  /** A plain array copy of items [start, end) (in a child process, one request). */
  slice(start?: number, end?: number): T[] {
    if (this.#remote) return this.#remote.call<T[]>('slice', start, end);
    return [...(this.#cells.slice(start, end) as unknown as Iterable<T>)];
  }

  /** The lock guarding it (Python's get_lock); throws for an Array made with {lock: false}. */
  getLock(): Lock | RLock {
    if (!this.#lock) throw typeError('lock', 'present: this Array was made with {lock: false}', false);
    return this.#lock;
  }

  /** The shared memory itself, as a typed array (Python's get_obj); not in another process, which has none. */
  getObj(): TypedArray {
    if (this.#remote) throw noSharedMemory('Array');
    return this.#cells;
  }

  /** @internal A child's read or write, run in the hub of the process that made it. */
  [SERVE](op: string, args: unknown[]): unknown {
    switch (op) {
      case 'get': return this.#cells[args[0] as number];
      case 'set': {
        const index = args[0];
        if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) throw valueError('index', 'a non-negative whole number', index);
        checkItem(this.#typecode, args[1]);
        this.#setItem(index, args[1]);
        return undefined;
      }
      case 'slice': return this.slice(args[0] as number | undefined, args[1] as number | undefined);
      default: throw unknownOp('Array', op);
    }
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    return servedForm(this, 'mp.Array', this.#id, target, this.#remote,
      () => ({ typecode: this.#typecode, buffer: this.#cells.buffer as SharedArrayBuffer, lock: this.#lock?.[SHARE]() } satisfies SharedData),
      () => ({ typecode: this.#typecode, length: this.#length, lock: lockInfo(this.#lock) } satisfies SharedInfo));
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
