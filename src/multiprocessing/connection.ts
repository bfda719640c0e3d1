/**
 * multiprocessing.Pipe and Connection: two ends that send objects to each
 * other, between processes or threads. Each direction is a multiprocessing
 * Queue underneath, so a Connection travels wherever a Queue does.
 */
import { serialize } from 'node:v8';
import { EOFError } from '../errors.js';
import { H } from '../internal/ring/layout.js';
import { QueueCore } from '../internal/ring/queue-core.js';
import { sleepUntilNotEmpty, whenNotEmpty } from '../internal/ring/ring-wait.js';
import { adopt, registerShareable, remember, revive, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { optionalBoolean, timeoutMs, typeError, valueError } from '../internal/validate.js';
import { deadlineAfter, remaining } from '../internal/wait.js';
import { Queue } from './queues.js';

/** Put by close() after the last item: the other end's recv() then throws EOFError. */
const EOF = '__loom_connection_eof__';

function isEof(item: unknown): boolean {
  return typeof item === 'object' && item !== null && (item as Record<string, unknown>)[EOF] === true;
}

/** What sendBytes takes: any bytes-like object, as Python's memoryview does (offset and size count bytes). */
export type BytesLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

/** The bytes of `data`, as a view (no copy). */
function bytesView(data: unknown): Uint8Array {
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) return new Uint8Array(data);
  throw typeError('data', 'a bytes-like object (Buffer, Uint8Array, another typed array, DataView or ArrayBuffer)', data);
}

/** [start, end) of sendBytes, checked as Python's send_bytes checks it: offset == length and size 0 are allowed. */
function byteRange(length: number, offset: unknown, size: unknown): [number, number] {
  if (typeof offset !== 'number' || !Number.isInteger(offset)) throw typeError('offset', 'an integer', offset);
  if (offset < 0 || offset > length) throw valueError('offset', `between 0 and the buffer's length (${length})`, offset);
  if (size === undefined || size === null) return [offset, length];
  if (typeof size !== 'number' || !Number.isInteger(size)) throw typeError('size', 'an integer', size);
  if (size < 0 || offset + size > length) throw valueError('size', `between 0 and the ${length - offset} bytes from offset ${offset}`, size);
  return [offset, offset + size];
}

/** A received message as bytes: its own if it is a Uint8Array (sendBytes sends a Buffer), else its serialization. */
function asBytes(item: unknown): Buffer {
  if (Buffer.isBuffer(item)) return item;
  if (item instanceof Uint8Array) return Buffer.from(item.buffer, item.byteOffset, item.byteLength);
  return serialize(item);
}

/** An end of a Pipe, like Python's `multiprocessing.connection.Connection`. */
export class Connection<T = unknown> implements Shareable {
  readonly #id: number;
  readonly #in: Queue<T> | undefined;
  readonly #out: Queue<T> | undefined;
  #closed = false;
  /** The other end closed and everything it sent has been read. */
  #ended = false;

  /** @internal Made by Pipe(). */
  constructor(incoming?: Queue<T>, outgoing?: Queue<T>) {
    const { id, data } = adopt<{ in?: SharedForm; out?: SharedForm }>();
    this.#id = id;
    this.#in = data ? (data.in ? (revive(data.in) as Queue<T>) : undefined) : incoming;
    this.#out = data ? (data.out ? (revive(data.out) as Queue<T>) : undefined) : outgoing;
    if (id !== 0) remember(id, this);
  }

  /** Whether this end can receive. */
  get readable(): boolean {
    return this.#in !== undefined;
  }
  /** Whether this end can send. */
  get writable(): boolean {
    return this.#out !== undefined;
  }
  get closed(): boolean {
    return this.#closed;
  }

  #check(direction: 'in' | 'out'): Queue<T> {
    if (this.#closed) throw new EOFError('this end of the connection is closed');
    const queue = direction === 'in' ? this.#in : this.#out;
    if (!queue) throw typeError('connection', direction === 'in' ? 'a readable end (Pipe(false) gives [reader, writer])' : 'a writable end', this);
    return queue;
  }

  /** Sends an object to the other end (copied); does not wait for it to be received. */
  send(item: T): void {
    this.#check('out').putSync(item);
  }

  #received(item: T): T {
    if (isEof(item)) {
      this.#ended = true;
      throw new EOFError();
    }
    return item;
  }

  /** Receives the next object, blocking this thread; EOFError once the other end has closed and all is read. */
  recvSync(): T {
    const queue = this.#check('in');
    if (this.#ended) throw new EOFError();
    return this.#received(queue.getSync());
  }

  /** Receives the next object without blocking the event loop (in a child process: blocking). */
  async recv(): Promise<T> {
    const queue = this.#check('in');
    if (this.#ended) throw new EOFError();
    return this.#received(await queue.get());
  }

  /**
   * Sends bytes: a copy of `size` bytes from `offset` (both in bytes; by default
   * all from offset on). As Python's send_bytes, an offset or size outside the
   * buffer is an ArgumentValueError (ValueError), not clamped.
   */
  sendBytes(data: BytesLike, offset = 0, size?: number): void {
    const queue = this.#check('out');
    const bytes = bytesView(data);
    const [start, end] = byteRange(bytes.length, offset, size);
    queue.putSync(Buffer.from(bytes.subarray(start, end)) as unknown as T);
  }

  /**
   * Receives bytes (blocking this thread). A message sent with send() rather
   * than sendBytes() comes as its v8.serialize bytes (v8.deserialize gives the
   * value back), as Python's recv_bytes gives the pickle; a Uint8Array sent
   * with send() comes as its own bytes.
   */
  recvBytesSync(): Buffer {
    return asBytes(this.recvSync());
  }

  /** Receives bytes, as recvBytesSync does, without blocking the event loop (in a child process: blocking). */
  async recvBytes(): Promise<Buffer> {
    return asBytes(await this.recv());
  }

  /** The queue's shared memory, in the process that made the pipe. */
  #core(queue: Queue<T>): QueueCore | undefined {
    const form = queue[SHARE]('thread').data as { inner?: { data: { buffer: SharedArrayBuffer } } };
    return form.inner ? new QueueCore(form.inner.data.buffer) : undefined;
  }

  /** Whether there is something to receive, waiting up to `timeout` seconds (0 or negative: just look; undefined or null: forever). Blocks this thread. */
  pollSync(timeout: number | null = 0): boolean {
    const queue = this.#check('in');
    const ms = timeoutMs('timeout', timeout);
    const core = this.#core(queue);
    if (!core) return (queue as unknown as { remote: { poll(ms: number): boolean } }).remote.poll(ms);
    const deadline = deadlineAfter(ms);
    for (;;) {
      if (Atomics.load(core.h, H.COUNT) > 0) return true;
      const left = remaining(deadline);
      if (left <= 0) return false;
      sleepUntilNotEmpty(core, left);
    }
  }

  /** Like pollSync, without blocking the event loop (in a child process: blocking). */
  async poll(timeout: number | null = 0): Promise<boolean> {
    const queue = this.#check('in');
    const ms = timeoutMs('timeout', timeout);
    const core = this.#core(queue);
    if (!core) return this.pollSync(timeout);
    const deadline = deadlineAfter(ms);
    for (;;) {
      if (Atomics.load(core.h, H.COUNT) > 0) return true;
      const left = remaining(deadline);
      if (left <= 0) return false;
      await whenNotEmpty(core, left);
    }
  }

  /** Closes this end; the other end receives what was sent, then EOFError. */
  close(): void {
    if (this.#closed) return;
    if (this.#out) this.#out.putSync({ [EOF]: true } as unknown as T);
    this.#closed = true;
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    return {
      kind: 'mp.Connection',
      id: target === 'process' ? 0 : this.#id,
      data: { in: this.#in?.[SHARE](target), out: this.#out?.[SHARE](target) },
    };
  }
}

/**
 * A pair of connected ends, like Python's `multiprocessing.Pipe(duplex)`:
 * duplex (the default) lets both send and receive; `Pipe(false)` gives
 * [reader, writer].
 *
 * @example
 * ```ts
 * const [parent, child] = Pipe();
 * new Process({ target: (conn) => { conn.send([42, null, 'hello']); conn.close(); }, args: [child] }).start();
 * console.log(await parent.recv());
 * ```
 */
export function Pipe<T = unknown>(duplex = true): [Connection<T>, Connection<T>] {
  const both = optionalBoolean('duplex', duplex, true);
  const forward = new Queue<T>();
  if (!both) return [new Connection<T>(forward, undefined), new Connection<T>(undefined, forward)];
  const backward = new Queue<T>();
  return [new Connection<T>(forward, backward), new Connection<T>(backward, forward)];
}

registerShareable('mp.Connection', Connection);
