/**
 * A multiprocessing queue as a child process sees it: every call is a frame
 * to the parent's hub, which holds the queue (internal/hub/queue-service.ts),
 * and the answer is read back on fd 3 with blocking calls. Puts on an
 * unbounded queue are not answered (Python's put does not wait either). A get
 * may bring several items (the hub decides, see there); the extra ones wait
 * here for the next gets, and are handed back when the child's task or run()
 * ends (hub/child-channel.ts's onWorkEnd).
 */
import { Empty, Full, ItemTooLargeError, NotShippableError, ShutDown } from '../errors.js';
import { nextRequestId, onWorkEnd, requireChildChannel } from '../internal/hub/child-channel.js';
import { frame, frameHead, type Frame, type SyncChannel } from '../internal/hub/frames.js';
import { F, FRAME_HEAD, Q, QS } from '../internal/hub/protocol.js';
import { Reader } from '../internal/wire-codec.js';
import { itemFromWire, packForWire, writeWire, type Packed } from '../internal/ring/codec.js';
import { ENTRY_OVERHEAD } from '../internal/ring/layout.js';

/** How a remote queue is described when it is sent to a process. */
export interface RemoteQueueForm {
  queue: number;
  ownerPid: number;
  maxsize: number;
  byteCapacity: number;
}

/** Queues of this process holding items a get brought and nobody took yet. */
const holding = new Set<RemoteQueue>();

/** Hands every unused item back to its queue when the child's task or run() ends, and at exit. */
function returnUnusedItems(): void {
  for (const queue of [...holding]) queue.handBack();
}
onWorkEnd(returnUnusedItems);

/**
 * From this many payload bytes on, an unanswered put is written at once from
 * the item's own buffer (one writev) instead of being copied into a frame,
 * then into the outbox, then out again by the helper thread: for a 10 KB item
 * those copies and allocations cost more than the system call they save.
 */
const LARGE_ITEM = 4096;

/** How many items a get asks for at most (the hub gives one unless batching pays, see queue-service.ts). */
const WANTED = 256;

export class RemoteQueue {
  /** Wire items brought by a get and not yet taken. */
  #extra: Buffer[] = [];
  #extraAt = 0;

  constructor(readonly form: RemoteQueueForm) {}

  handBack(): void {
    holding.delete(this);
    const items = this.#extra.slice(this.#extraAt);
    this.#extra = [];
    this.#extraAt = 0;
    if (items.length === 0) return;
    const body = this.#head(0, 4 + items.reduce((sum, item) => sum + 4 + item.length, 0));
    let at = 12;
    body.writeUInt32LE(items.length, at);
    at += 4;
    for (const item of items) {
      body.writeUInt32LE(item.length, at);
      item.copy(body, at + 4);
      at += 4 + item.length;
    }
    this.#channel().post(frame(F.Q_OP, 0, Q.RETURN, body));
  }

  #channel(): SyncChannel {
    return requireChildChannel('a multiprocessing Queue from another process', 'queue');
  }

  #head(ms: number, extra = 0): Buffer {
    const body = Buffer.allocUnsafe(12 + extra);
    body.writeUInt32LE(this.form.queue, 0);
    body.writeDoubleLE(ms, 4);
    return body;
  }

  /** Sends an operation and blocks for its answer. */
  #ask(op: number, body: Buffer): Frame {
    const channel = this.#channel();
    const id = nextRequestId();
    channel.write(F.Q_OP, id, op, body);
    const answer = channel.readWhere((frame) => frame.kind === F.Q_REPLY && frame.a === id);
    if (answer.b === QS.ERROR) {
      const message = answer.body.toString();
      throw message === 'the queue was shut down' ? new ShutDown() : new NotShippableError(message);
    }
    return answer;
  }

  #packed(item: unknown): Packed {
    const packed = packForWire(item);
    if (packed.size + ENTRY_OVERHEAD > this.form.byteCapacity) {
      throw new ItemTooLargeError(`the item takes ${packed.size + ENTRY_OVERHEAD} bytes, more than the queue's byteCapacity of ${this.form.byteCapacity}; create the queue with a larger byteCapacity`);
    }
    return packed;
  }

  /**
   * Puts and waits for the hub's answer, which comes once the item is in the
   * queue (after this child's earlier puts to it): a Pipe's large message
   * waits so for its last chunk before it lets go of its send lock, and for
   * every few chunks, so the hub never holds more than a few of them.
   */
  putAndWait(item: unknown): void {
    const packed = this.#packed(item);
    const body = this.#head(Infinity, 1 + packed.size);
    writeWire(body, 12, packed);
    if (this.#ask(Q.PUT, body).b === QS.FULL) throw new Full();
  }

  /** `ms`: Infinity to wait, -1 not to block. */
  put(item: unknown, ms: number): void {
    const packed = this.#packed(item);
    if (this.form.maxsize <= 0 && packed.bytes && packed.size >= LARGE_ITEM) {
      // A large Buffer (or serialized item) goes from its own memory to fd 3: one writev, no copies here.
      const head = frameHead(F.Q_OP, 0, Q.PUT, 13 + packed.size, 13);
      head.writeUInt32LE(this.form.queue, FRAME_HEAD);
      head.writeDoubleLE(ms, FRAME_HEAD + 4);
      head[FRAME_HEAD + 12] = packed.tag;
      this.#channel().writeParts([head, packed.bytes]);
      return;
    }
    if (this.form.maxsize <= 0) {
      // The common case, built in one buffer: frame head, queue, timeout, item.
      const out = frameHead(F.Q_OP, 0, Q.PUT, 13 + packed.size);
      out.writeUInt32LE(this.form.queue, FRAME_HEAD);
      out.writeDoubleLE(ms, FRAME_HEAD + 4);
      writeWire(out, FRAME_HEAD + 12, packed);
      this.#channel().post(out);
      return;
    }
    const body = this.#head(ms, 1 + packed.size);
    writeWire(body, 12, packed);
    if (this.#ask(Q.PUT, body).b === QS.FULL) throw new Full();
  }

  get(ms: number): unknown {
    if (this.#extraAt < this.#extra.length) {
      const item = this.#extra[this.#extraAt++];
      if (this.#extraAt === this.#extra.length) {
        this.#extra = [];
        this.#extraAt = 0;
        holding.delete(this);
      }
      return itemFromWire(item);
    }
    const body = this.#head(ms, 4);
    body.writeUInt32LE(WANTED, 12);
    const answer = this.#ask(Q.GET, body);
    if (answer.b === QS.EMPTY) throw new Empty();
    // The items are views of the answer's body (a buffer of its own); each is copied out as it is taken.
    const reader = new Reader(answer.body);
    const count = reader.u32();
    const first = reader.bytes();
    for (let i = 1; i < count; i++) this.#extra.push(reader.bytes());
    if (this.#extra.length > 0) holding.add(this);
    return itemFromWire(first);
  }

  /** Items in the queue, and those a get brought here and nobody took yet. */
  qsize(): number {
    return (new Reader(this.#ask(Q.QSIZE, this.#head(0)).body).value() as number) + this.#extra.length - this.#extraAt;
  }

  taskDone(): void {
    this.#channel().post(frame(F.Q_OP, 0, Q.TASK_DONE, this.#head(0)));
  }

  join(): void {
    this.#ask(Q.JOIN, this.#head(0));
  }

  /** Whether an item is there within `ms` (without taking it). */
  poll(ms: number): boolean {
    if (this.#extraAt < this.#extra.length) return true;
    return this.#ask(Q.POLL, this.#head(ms)).body[0] === 1;
  }
}
