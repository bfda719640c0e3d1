/**
 * A compact byte format for pool messages. Tasks and results are mostly
 * numbers, strings and arrays of them, and v8.serialize costs about 5 us per
 * call however small the value (it builds a serializer object each time);
 * writing those values here costs a few dozen nanoseconds each. Anything else
 * (objects, Maps, Dates, ...) is one v8.serialize blob inside the message.
 */
import { deserialize, serialize } from 'node:v8';

const UNDEFINED = 0;
const NULL = 1;
const TRUE = 2;
const FALSE = 3;
const INT = 4;
const FLOAT = 5;
const STRING = 6;
const ARRAY = 7;
const V8 = 8;
/** Arrays of numbers (the common case of a map over numbers) as one block of raw values. */
const INT32S = 9;
const FLOAT64S = 10;
/** Shorter arrays of numbers go element by element. */
const BLOCK_MIN = 16;

/** INT32S, FLOAT64S, or 0 when `array` is not all numbers. */
function numberBlock(array: unknown[]): number {
  if (array.length < BLOCK_MIN) return 0;
  let ints = true;
  for (let i = 0; i < array.length; i++) {
    const value = array[i];
    if (typeof value !== 'number') return 0;
    if (ints && ((value | 0) !== value || Object.is(value, -0))) ints = false;
  }
  return ints ? INT32S : FLOAT64S;
}

/** Whether `value` is written natively (not as a v8 blob): primitives and arrays of them, a few levels deep. */
export function isNative(value: unknown): boolean {
  return native(value, 0);
}

function native(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'number': case 'string': case 'boolean': case 'undefined': return true;
    case 'object':
      if (value === null) return true;
      if (!Array.isArray(value) || depth > 3) return false;
      for (let i = 0; i < value.length; i++) if (!native(value[i], depth + 1)) return false;
      return true;
    default: return false;
  }
}

export class Writer {
  buffer = Buffer.allocUnsafe(1024);
  at = 0;

  #room(n: number): void {
    if (this.at + n <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + n));
    this.buffer.copy(bigger, 0, 0, this.at);
    this.buffer = bigger;
  }

  u8(value: number): this {
    this.#room(1);
    this.buffer[this.at++] = value;
    return this;
  }

  u32(value: number): this {
    this.#room(4);
    this.buffer.writeUInt32LE(value, this.at);
    this.at += 4;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.u32(data.length);
    this.#room(data.length);
    this.buffer.set(data, this.at);
    this.at += data.length;
    return this;
  }

  string(value: string): this {
    // At most 3 bytes per UTF-16 unit: write first, then fill in the length.
    this.#room(4 + value.length * 3);
    const length = this.buffer.write(value, this.at + 4, 'utf8');
    this.buffer.writeUInt32LE(length, this.at);
    this.at += 4 + length;
    return this;
  }

  value(value: unknown): this {
    if (!native(value, 0)) return this.u8(V8).bytes(serialize(value));
    this.#native(value);
    return this;
  }

  /** A value isNative() said yes to, without asking again. */
  nativeValue(value: unknown): this {
    this.#native(value);
    return this;
  }

  #native(value: unknown): void {
    switch (typeof value) {
      case 'number':
        if ((value | 0) === value && !Object.is(value, -0)) {
          this.#room(5);
          this.buffer[this.at] = INT;
          this.buffer.writeInt32LE(value, this.at + 1);
          this.at += 5;
        } else {
          this.#room(9);
          this.buffer[this.at] = FLOAT;
          this.buffer.writeDoubleLE(value, this.at + 1);
          this.at += 9;
        }
        return;
      case 'string':
        this.u8(STRING).string(value);
        return;
      case 'boolean':
        this.u8(value ? TRUE : FALSE);
        return;
      case 'undefined':
        this.u8(UNDEFINED);
        return;
    }
    if (value === null) {
      this.u8(NULL);
      return;
    }
    const array = value as unknown[];
    const block = numberBlock(array);
    if (block !== 0) {
      const values = block === INT32S ? new Int32Array(array.length) : new Float64Array(array.length);
      for (let i = 0; i < array.length; i++) values[i] = array[i] as number;
      this.u8(block).u32(array.length);
      this.#room(values.byteLength);
      this.buffer.set(new Uint8Array(values.buffer), this.at);
      this.at += values.byteLength;
      return;
    }
    this.u8(ARRAY).u32(array.length);
    for (let i = 0; i < array.length; i++) this.#native(array[i]);
  }

  /** A copy of what was written. */
  take(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.at));
  }

  /** A copy in memory of its own (not Node's shared buffer pool), so it can be transferred to another thread. */
  takeOwned(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.at);
    this.buffer.copy(out, 0, 0, this.at);
    return out;
  }

  reset(): this {
    this.at = 0;
    return this;
  }
}

export class Reader {
  at: number;
  constructor(readonly buffer: Buffer, at = 0) {
    this.at = at;
  }

  u8(): number {
    return this.buffer[this.at++];
  }

  u32(): number {
    const value = this.buffer.readUInt32LE(this.at);
    this.at += 4;
    return value;
  }

  bytes(): Buffer {
    const length = this.u32();
    const out = this.buffer.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  string(): string {
    const length = this.u32();
    const out = this.buffer.toString('utf8', this.at, this.at + length);
    this.at += length;
    return out;
  }

  value(): unknown {
    const tag = this.buffer[this.at++];
    switch (tag) {
      case UNDEFINED: return undefined;
      case NULL: return null;
      case TRUE: return true;
      case FALSE: return false;
      case INT: {
        const value = this.buffer.readInt32LE(this.at);
        this.at += 4;
        return value;
      }
      case FLOAT: {
        const value = this.buffer.readDoubleLE(this.at);
        this.at += 8;
        return value;
      }
      case STRING: return this.string();
      case ARRAY: {
        const length = this.u32();
        const out = new Array<unknown>(length);
        for (let i = 0; i < length; i++) out[i] = this.value();
        return out;
      }
      case V8: return deserialize(this.bytes());
      case INT32S:
      case FLOAT64S: {
        const length = this.u32();
        const width = tag === INT32S ? 4 : 8;
        // A copy at an aligned offset, then one pass into a plain array.
        const bytes = this.buffer.buffer.slice(this.buffer.byteOffset + this.at, this.buffer.byteOffset + this.at + length * width);
        this.at += length * width;
        const values = tag === INT32S ? new Int32Array(bytes) : new Float64Array(bytes);
        const out = new Array<number>(length);
        for (let i = 0; i < length; i++) out[i] = values[i];
        return out;
      }
      default: throw new Error(`loom: corrupt pool message (tag ${tag} at ${this.at - 1})`);
    }
  }
}
