/**
 * multiprocessing.Pipe and Connection: two ends that send objects to each
 * other, between processes or threads. Each direction is a multiprocessing
 * Queue underneath, so a Connection travels wherever a Queue does.
 */
import { EOFError } from '../errors.js';
import { H } from '../internal/ring/layout.js';
import { QueueCore } from '../internal/ring/queue-core.js';
import { sleepUntilNotEmpty, whenNotEmpty } from '../internal/ring/ring-wait.js';
import { adopt, registerShareable, remember, revive, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { optionalBoolean, timeoutMs, typeError } from '../internal/validate.js';
import { deadlineAfter, remaining } from '../internal/wait.js';
import { Queue } from './queues.js';

/** Put by close() after the last item: the other end's recv() then throws EOFError. */
const EOF = '__loom_connection_eof__';

function isEof(item: unknown): boolean {
  return typeof item === 'object' && item !== null && (item as Record<string, unknown>)[EOF] === true;
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

  /** Sends bytes (a copy of `size` bytes from `offset`). */
  sendBytes(data: Uint8Array, offset = 0, size = data.length - offset): void {
    if (!(data instanceof Uint8Array)) throw typeError('data', 'a Buffer or Uint8Array', data);
    this.send(Buffer.from(data.subarray(offset, offset + size)) as unknown as T);
  }

  /** Receives bytes sent with sendBytes (blocking this thread). */
  recvBytesSync(): Buffer {
    return Buffer.from(this.recvSync() as unknown as Uint8Array);
  }

  /** Receives bytes sent with sendBytes. */
  async recvBytes(): Promise<Buffer> {
    return Buffer.from((await this.recv()) as unknown as Uint8Array);
  }

  /** The queue's shared memory, in the process that made the pipe. */
  #core(queue: Queue<T>): QueueCore | undefined {
    const form = queue[SHARE]('thread').data as { inner?: { data: { buffer: SharedArrayBuffer } } };
    return form.inner ? new QueueCore(form.inner.data.buffer) : undefined;
  }

  /** Whether there is something to receive, waiting up to `timeout` seconds (0: just look). Blocks this thread. */
  pollSync(timeout = 0): boolean {
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
  async poll(timeout = 0): Promise<boolean> {
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
