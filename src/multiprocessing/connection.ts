/**
 * multiprocessing.Pipe and Connection: two ends that send objects to each
 * other, between processes or threads. Each direction is a multiprocessing
 * Queue underneath, so a Connection travels wherever a Queue does.
 */
import { serialize } from 'node:v8';
import { EOFError } from '../errors.js';
import { childChannel } from '../internal/hub/child-channel.js';
import { WRITER_CLOSED, WRITER_HELD } from '../internal/ring/codec.js';
import { H } from '../internal/ring/layout.js';
import { QueueCore } from '../internal/ring/queue-core.js';
import { sleepUntilNotEmpty, whenNotEmpty } from '../internal/ring/ring-wait.js';
import { adopt, registerShareable, remember, revive, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { optionalBoolean, timeoutMs, typeError, valueError } from '../internal/validate.js';
import { deadlineAfter, remaining } from '../internal/wait.js';
import { CHUNK, headOf, isHead, outgoing, Whole, WINDOW, type Large } from './connection-chunks.js';
import { Queue } from './queues.js';

/**
 * How an end is closed per process, as in Python, where each process holds a
 * handle of its own and the reader sees EOF once every handle of the writing
 * end is closed. close() puts WRITER_CLOSED; the ring counts it against the
 * open handles of the writing end (H.WRITERS of its queue: 1 for the process
 * that made the pipe, one more each time the end is sent to a child process)
 * and only the last one goes in, as the reader's EOF. The threads of one
 * process share one handle (a CLOSED cell in shared memory), as Python's
 * threads share the Connection object: closing it in one closes it for all.
 * A child closes what it still holds when it exits; if it is killed, its
 * parent's hub closes them for it (internal/hub/queue-service.ts).
 */
const CLOSED = 0;

/** The send lock's one token: whoever took it streams a large message. */
const TOKEN = 1;

/** An end's form. `state` (threads): the shared CLOSED cell; `closed` (a child process): whether it comes closed. */
interface ConnectionData {
  in?: SharedForm;
  out?: SharedForm;
  lock?: SharedForm;
  state?: SharedArrayBuffer;
  closed?: boolean;
}

/** The ends this child process holds, closed when it exits (Python: the OS closes a process's handles). */
const heldHere = new Set<Connection>();

function closeHeldAtExit(): void {
  try {
    for (const end of heldHere) end.close();
    // entry/process.ts flushed the outbox already (its exit handler runs first): flush these closes too.
    childChannel()?.flush();
  } catch {
    // The parent is gone: nobody reads the pipe any more.
  }
}

function holdUntilExit(end: Connection): void {
  if (heldHere.size === 0) process.on('exit', closeHeldAtExit);
  heldHere.add(end);
}

/** The writer count cell of a queue made in this process. */
function writers(queue: Queue<unknown>): Int32Array | undefined {
  const form = queue[SHARE]('thread').data as { inner?: { data: { buffer: SharedArrayBuffer } } };
  return form.inner ? new Int32Array(form.inner.data.buffer, H.WRITERS * 4, 1) : undefined;
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
  /** The send lock of the writing end (a queue holding one token), held while a large message is sent. */
  readonly #lock: Queue<number> | undefined;
  /** CLOSED: 1 once this process closed the end (shared by its threads). */
  readonly #state: Int32Array;
  /** The other end closed and everything it sent has been read. */
  #ended = false;
  /** The last recv() of this thread, which the next one waits for. */
  #reading: Promise<unknown> = Promise.resolve();

  /** @internal Made by Pipe(). */
  constructor(incoming?: Queue<T>, outgoing?: Queue<T>, lock?: Queue<number>) {
    const { id, data } = adopt<ConnectionData>();
    this.#id = id;
    this.#in = data ? (data.in ? (revive(data.in) as Queue<T>) : undefined) : incoming;
    this.#out = data ? (data.out ? (revive(data.out) as Queue<T>) : undefined) : outgoing;
    this.#lock = data ? (data.lock ? (revive(data.lock) as Queue<number>) : undefined) : lock;
    this.#state = new Int32Array(data?.state ?? new SharedArrayBuffer(4));
    if (data && !data.state) {
      // A copy of its own in a child process: it counts as one handle until closed.
      if (data.closed) this.#state[CLOSED] = 1;
      else this.#hold();
    }
    if (id !== 0) remember(id, this);
  }

  /**
   * This child holds a copy: it closes it at exit, and tells the hub, which
   * closes it for the child if the child is killed first.
   */
  #hold(): void {
    holdUntilExit(this);
    if (this.#out && childChannel()) this.#out.putSync(WRITER_HELD as T);
  }

  /** Whether this end can receive. */
  get readable(): boolean {
    return this.#in !== undefined;
  }
  /** Whether this end can send. */
  get writable(): boolean {
    return this.#out !== undefined;
  }
  /** Whether this process closed the end (in any of its threads). */
  get closed(): boolean {
    return Atomics.load(this.#state, CLOSED) === 1;
  }

  #check(direction: 'in' | 'out'): Queue<T> {
    if (this.closed) throw new EOFError('this end of the connection is closed');
    const queue = direction === 'in' ? this.#in : this.#out;
    if (!queue) throw typeError('connection', direction === 'in' ? 'a readable end (Pipe(false) gives [reader, writer])' : 'a writable end', this);
    return queue;
  }

  /**
   * Sends an object to the other end (copied); does not wait for it to be
   * received, unless the pipe is full (1 MiB). Any size: a message over
   * 256 KiB goes through the pipe in chunks, under this end's send lock.
   */
  send(item: T): void {
    const out = this.#check('out');
    const message = outgoing(item);
    if ('one' in message) out.putSync(message.one as T);
    else this.#sendLarge(out, message);
  }

  /**
   * The head, then the chunks, holding the send lock throughout so that no
   * other sender's chunks come between. In a child every WINDOW-th chunk and
   * the last wait for the hub's answer: the hub holds at most a few chunks,
   * and all are in the pipe before the lock goes to the next sender.
   */
  #sendLarge(out: Queue<T>, large: Large): void {
    const lock = this.#lock!;
    lock.getSync();
    try {
      out.putSync(headOf(large) as T);
      const { bytes } = large;
      for (let at = 0, n = 1; at < bytes.length; at += CHUNK, n++) {
        const end = Math.min(at + CHUNK, bytes.length);
        const chunk = bytes.subarray(at, end) as unknown as T;
        if (end === bytes.length || n % WINDOW === 0) out.putSyncSettled(chunk);
        else out.putSync(chunk);
      }
    } finally {
      lock.putSync(TOKEN);
    }
  }

  /** An item taken from the pipe; EOFError at the end (every copy of the other end closed). */
  #item(item: unknown): T {
    if (item === WRITER_CLOSED) {
      this.#ended = true;
      throw new EOFError();
    }
    return item as T;
  }

  /** Receives the next object, blocking this thread; EOFError once every copy of the other end is closed and all is read. */
  recvSync(): T {
    const queue = this.#check('in');
    if (this.#ended) throw new EOFError();
    const first = this.#item(queue.getSync());
    if (!isHead(first)) return first;
    const whole = new Whole(first);
    while (!whole.add(this.#item(queue.getSync())));
    return whole.value() as T;
  }

  /**
   * Receives the next object without blocking the event loop (in a child
   * process: blocking). Calls not awaited yet take their turns, so that two
   * of them never share out the chunks of one large message.
   */
  recv(): Promise<T> {
    const turn = this.#reading.then(() => this.#recvNow());
    this.#reading = turn.catch(() => {});
    return turn;
  }

  async #recvNow(): Promise<T> {
    const queue = this.#check('in');
    if (this.#ended) throw new EOFError();
    const first = this.#item(await queue.get());
    if (!isHead(first)) return first;
    const whole = new Whole(first);
    while (!whole.add(this.#item(await queue.get())));
    return whole.value() as T;
  }

  /**
   * Sends bytes: a copy of `size` bytes from `offset` (both in bytes; by default
   * all from offset on). As Python's send_bytes, an offset or size outside the
   * buffer is an ArgumentValueError (ValueError), not clamped. Any size, as send.
   */
  sendBytes(data: BytesLike, offset = 0, size?: number): void {
    const queue = this.#check('out');
    const bytes = bytesView(data);
    const [start, end] = byteRange(bytes.length, offset, size);
    const view = bytes.subarray(start, end);
    // A large one is copied out of `data` chunk by chunk as it is sent (sendBytes returns after the last chunk).
    if (view.length > CHUNK) this.#sendLarge(queue, outgoing(Buffer.from(view.buffer, view.byteOffset, view.length)) as Large);
    else queue.putSync(Buffer.from(view) as unknown as T);
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

  /**
   * Closes this process's copy of the end (for all its threads). The other
   * end receives what was sent, then EOFError, once every process holding
   * this end has closed it or exited.
   */
  close(): void {
    if (Atomics.compareExchange(this.#state, CLOSED, 0, 1) !== 0) return;
    heldHere.delete(this);
    this.#out?.putSync(WRITER_CLOSED as T);
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    const queues = { in: this.#in?.[SHARE](target), out: this.#out?.[SHARE](target), lock: this.#lock?.[SHARE](target) };
    if (target !== 'process') return { kind: 'mp.Connection', id: this.#id, data: { ...queues, state: this.#state.buffer as SharedArrayBuffer } satisfies ConnectionData };
    // A child process gets a handle of its own: one more to close before the reader sees EOF.
    const closed = this.closed;
    if (this.#out && !closed) Atomics.add(writers(this.#out as Queue<unknown>)!, 0, 1);
    return { kind: 'mp.Connection', id: 0, data: { ...queues, closed } satisfies ConnectionData };
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
  const [forward, forwardLock] = direction<T>();
  if (!both) return [new Connection<T>(forward, undefined), new Connection<T>(undefined, forward, forwardLock)];
  const [backward, backwardLock] = direction<T>();
  return [new Connection<T>(forward, backward, backwardLock), new Connection<T>(backward, forward, forwardLock)];
}

/** One direction of a pipe: its queue, with one open handle of the writing end (this process's), and its send lock. */
function direction<T>(): [Queue<T>, Queue<number>] {
  const queue = new Queue<T>();
  Atomics.store(writers(queue as Queue<unknown>)!, 0, 1);
  const lock = new Queue<number>({ byteCapacity: 64 });
  lock.putSync(TOKEN);
  return [queue, lock];
}

registerShareable('mp.Connection', Connection);
