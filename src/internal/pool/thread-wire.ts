/**
 * How a thread pool's tasks and results become bytes in its shared rings.
 * v8.serialize cannot write shared memory, yet a task may well take a Lock or
 * a Value (their SharedArrayBuffers must arrive as the same memory, not a
 * copy). So shared buffers are taken out and replaced by markers, and the
 * buffers themselves are announced once on the pool's BroadcastChannel, which
 * delivers to every thread of the pool at once and can be read synchronously
 * (receiveMessageOnPort). A BroadcastChannel only reaches the threads that
 * have opened it, so the engine makes sure every worker has (see
 * ThreadEngine.#allListening) before anything is announced. Functions travel
 * inside each task as pre-serialized bytes, read only by a thread that has
 * not seen that function yet. Payloads too large for the rings ride in a
 * SharedArrayBuffer of their own.
 */
import { types } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { BroadcastChannel, receiveMessageOnPort, threadId } from 'node:worker_threads';
import { serializeError } from '../error-wire.js';
import { decode, encode, isPlain } from '../share/encode.js';
import type { TaskKind } from './engine.js';
import type { FnSpec } from '../ship/shipped.js';
import type { ResultMessage, TaskMessage } from './thread-messages.js';
import { isNative, Reader, Writer } from '../wire-codec.js';

const SAB = '__loomSab__';
/** Payloads above this travel in a SharedArrayBuffer of their own (the rings hold 1 MiB). */
export const BIG = 128 * 1024;

type Announcement =
  | { sab: string; buffer: SharedArrayBuffer }
  | { drop: string };

interface SabMarker {
  [SAB]: string;
  view?: string;
  offset?: number;
  length?: number;
}

const VIEWS: Record<string, new (buffer: SharedArrayBuffer, offset: number, length: number) => ArrayBufferView> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array,
  BigInt64Array, BigUint64Array, DataView: DataView as never,
};

export class ThreadWire {
  readonly #channel: BroadcastChannel;
  readonly #buffers = new Map<string, SharedArrayBuffer>();
  readonly #ids = new WeakMap<SharedArrayBuffer, string>();
  /** Serialized FnSpecs by function number (main side), and the ones seen (worker side). */
  readonly #fnBytes = new Map<number, Buffer>();
  readonly #fns = new Map<number, FnSpec>();
  #next = 0;

  /** @param beforeAnnouncing blocks until every thread that must hear an announcement is listening. */
  constructor(name: string, readonly beforeAnnouncing: () => void = () => {}) {
    this.#channel = new BroadcastChannel(name);
    // Read with receiveMessageOnPort only; it must not keep any thread alive.
    (this.#channel as unknown as { unref(): void }).unref();
  }

  close(): void {
    this.#channel.close();
  }

  /** Takes in what other threads announced so far. */
  drain(): void {
    for (;;) {
      const received = receiveMessageOnPort(this.#channel as never) as { message: Announcement } | undefined;
      if (!received) return;
      const message = received.message;
      if ('sab' in message) this.#buffers.set(message.sab, message.buffer);
      else this.#buffers.delete(message.drop);
    }
  }

  #announce(message: Announcement): void {
    if ('sab' in message) this.beforeAnnouncing();
    this.#channel.postMessage(message);
  }

  /** Main side: function `id` will be sent with each task that names it (a Lock among the values it brings is shared memory). */
  defineFn(id: number, spec: FnSpec): void {
    this.#fnBytes.set(id, serialize(this.#strip(spec, new Map())));
  }

  /** Worker side: the spec of function `id`, as the task that named it carried it. */
  fnSpec(id: number): FnSpec {
    const spec = this.#fns.get(id);
    if (!spec) throw new Error(`loom: function ${id} was not sent with its task`);
    return spec;
  }

  #buffer(id: string): SharedArrayBuffer {
    return this.#await(() => this.#buffers.get(id), `shared buffer ${id}`);
  }

  /** An announcement is delivered when posted; the short wait only guards against a slow delivery. */
  #await<T>(find: () => T | undefined, what: string): T {
    let found = find();
    const deadline = Date.now() + 5000;
    while (found === undefined) {
      this.drain();
      found = find();
      if (found !== undefined) break;
      if (Date.now() > deadline) throw new Error(`loom: ${what} was never announced to this thread`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
    return found;
  }

  #idOf(buffer: SharedArrayBuffer): string {
    let id = this.#ids.get(buffer);
    if (id === undefined) {
      id = `${threadId}:${++this.#next}`;
      this.#ids.set(buffer, id);
      this.#buffers.set(id, buffer);
      this.#announce({ sab: id, buffer });
    }
    return id;
  }

  /** A copy of `value` with shared memory replaced by markers (containers only: encode() made them fresh). */
  #strip(value: unknown, seen: Map<object, unknown>): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (types.isSharedArrayBuffer(value)) return { [SAB]: this.#idOf(value) };
    if (ArrayBuffer.isView(value)) {
      if (!types.isSharedArrayBuffer(value.buffer)) return value;
      const length = value instanceof DataView ? value.byteLength : (value as unknown as { length: number }).length;
      return { [SAB]: this.#idOf(value.buffer), view: value.constructor.name, offset: value.byteOffset, length };
    }
    if (seen.has(value)) return seen.get(value);
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      for (let i = 0; i < value.length; i++) out[i] = this.#strip(value[i], seen);
      return out;
    }
    if (value instanceof Map) {
      const out = new Map();
      seen.set(value, out);
      for (const [k, v] of value) out.set(this.#strip(k, seen), this.#strip(v, seen));
      return out;
    }
    if (value instanceof Set) {
      const out = new Set();
      seen.set(value, out);
      for (const v of value) out.add(this.#strip(v, seen));
      return out;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const key of Object.keys(value)) out[key] = this.#strip((value as Record<string, unknown>)[key], seen);
    return out;
  }

  /** Puts shared memory back in place of markers, in place (the value is a fresh deserialized copy). */
  #restore(value: unknown, seen: Set<object>): unknown {
    if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || seen.has(value)) return value;
    const marker = value as SabMarker;
    if (typeof marker[SAB] === 'string') {
      const buffer = this.#buffer(marker[SAB]);
      if (!marker.view) return buffer;
      return new VIEWS[marker.view](buffer, marker.offset ?? 0, marker.length ?? 0);
    }
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.#restore(value[i], seen);
    } else if (value instanceof Map) {
      for (const [k, v] of [...value]) {
        value.delete(k);
        value.set(this.#restore(k, seen), this.#restore(v, seen));
      }
    } else if (value instanceof Set) {
      const items = [...value];
      value.clear();
      for (const v of items) value.add(this.#restore(v, seen));
    } else {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = this.#restore(record[key], seen);
    }
    return value;
  }

  /** A value ready for structured serialization: shared objects and functions encoded, shared memory stripped. */
  outbound(value: unknown, path: string): unknown {
    if (isPlain(value)) return value;
    return this.#strip(encode(value, path, undefined, 'thread'), new Map());
  }

  /** The live value from what outbound() produced on the other side. */
  inbound(value: unknown): unknown {
    if (isPlain(value)) return value;
    this.drain();
    return decode(this.#restore(value, new Set()));
  }

  /** The bytes of a message for a ring; a large one is moved into a shared buffer of its own and referred to. */
  #finish(writer: Writer): Buffer {
    if (writer.at <= BIG) return writer.take();
    const buffer = new SharedArrayBuffer(writer.at);
    writer.buffer.copy(Buffer.from(buffer), 0, 0, writer.at);
    return new Writer().u8(CARRIED).string(this.#idOf(buffer)).u32(writer.at).take();
  }

  #open(bytes: Buffer): Reader {
    if (bytes[0] !== CARRIED) return new Reader(bytes, 1);
    const reader = new Reader(bytes, 1);
    const id = reader.string();
    const length = reader.u32();
    const copy = Buffer.from(Buffer.from(this.#buffer(id), 0, length));
    this.#buffers.delete(id);
    this.#announce({ drop: id });
    return new Reader(copy, 1);
  }

  /** A value: a flag, then plain data as it is, or anything else through outbound(). */
  #write(writer: Writer, value: unknown, path: string): Writer {
    if (isNative(value)) return writer.u8(0).nativeValue(value);
    return writer.u8(1).value(this.outbound(value, path));
  }

  #read(reader: Reader): unknown {
    const outbound = reader.u8() === 1;
    const value = reader.value();
    return outbound ? this.inbound(value) : value;
  }

  /** A task for the ring, its items live (they are encoded here), with its function's spec. */
  encodeTask(task: TaskMessage): Buffer {
    const writer = this.#writer.reset().u8(INLINE).u32(task.i).u32(task.f).bytes(this.#fnBytes.get(task.f)!).u8(KINDS.indexOf(task.k)).string(task.t);
    return this.#finish(this.#write(writer, task.x, 'args'));
  }

  /** The task with its items live; `error` instead when they cannot be rebuilt here. */
  decodeTask(bytes: Buffer): TaskMessage & { error?: unknown } {
    const reader = this.#open(bytes);
    const i = reader.u32();
    const f = reader.u32();
    const spec = reader.bytes();
    if (!this.#fns.has(f)) this.#fns.set(f, this.#restore(deserialize(spec), new Set()) as FnSpec);
    const task: TaskMessage & { error?: unknown } = { i, f, k: KINDS[reader.u8()], t: reader.string(), x: undefined };
    try {
      task.x = this.#read(reader);
    } catch (error) {
      task.error = error;
    }
    return task;
  }

  /** A result for the ring: `v` is the live value, or a SerializedError when not ok. */
  encodeResult(result: ResultMessage): Buffer {
    const writer = this.#writer.reset().u8(INLINE).u32(result.i);
    if (result.broken !== undefined) writer.u8(BROKEN).string(result.broken);
    else if (result.ok) this.#write(writer.u8(OK), result.v, 'result');
    else writer.u8(FAILED).value(result.v);
    return this.#finish(writer);
  }

  /** The result with its value live (or the SerializedError, also when the value cannot be rebuilt here). */
  decodeResult(bytes: Buffer): ResultMessage {
    const reader = this.#open(bytes);
    const i = reader.u32();
    const status = reader.u8();
    if (status === BROKEN) return { i, ok: false, broken: reader.string() };
    try {
      return { i, ok: status === OK, v: status === OK ? this.#read(reader) : reader.value() };
    } catch (error) {
      return { i, ok: false, v: serializeError(error) };
    }
  }

  readonly #writer = new Writer();
}

const INLINE = 0;
const CARRIED = 1;
const OK = 0;
const FAILED = 1;
const BROKEN = 2;
const KINDS: TaskKind[] = ['apply', 'map', 'star'];
