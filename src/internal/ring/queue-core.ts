/**
 * The engine behind every queue class: put and get over the shared ring,
 * with a futex lock and two condition sequences (not empty, not full). Put
 * and get first try once without waiting (no generator, no allocation
 * beyond the item); only a call that must wait runs the generator, blocking
 * with Atomics.wait (Sync) or Atomics.waitAsync (Promise).
 */
import { ArgumentValueError, Empty, Full, ItemTooLargeError, ShutDown } from '../../errors.js';
import { lockSteps, lockSync, unlock } from '../futex.js';
import { deadlineAfter, remaining, type Waiting } from '../wait.js';
import { finish, pack, WIRE_CLOSED, WIRE_HELD, type Packed } from './codec.js';
import { copyBytes } from './copy-bytes.js';
import { H, HEADER_BYTES, LIFO, PRIORITY } from './layout.js';
import { entryBytes, Ring } from './ring.js';
import { sortKey } from './sort-key.js';

/** Checks of COUNT before a getter sleeps: a producer a few hundred ns away is common in hand-offs. */
const SPINS = 200;

export class QueueCore {
  readonly h: Int32Array;
  readonly #ring: Ring;
  readonly #order: number;

  constructor(buffer: SharedArrayBuffer) {
    this.h = new Int32Array(buffer, 0, H.CELLS);
    this.#ring = new Ring(this.h, Buffer.from(buffer, HEADER_BYTES, this.h[H.CAPACITY]));
    this.#order = this.h[H.ORDER];
  }

  static allocate(order: number, maxsize: number, byteCapacity: number, wakeAll = false): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(HEADER_BYTES + byteCapacity);
    const h = new Int32Array(buffer, 0, H.CELLS);
    h[H.WAKE_ALL] = wakeAll ? 1 : 0;
    h[H.WRAP_AT] = -1;
    h[H.MAXSIZE] = maxsize;
    h[H.CAPACITY] = byteCapacity;
    h[H.ORDER] = order;
    return buffer;
  }

  pack(item: unknown): Packed {
    const packed = pack(item);
    if (this.#order === PRIORITY) packed.sortKey = sortKey(item);
    const capacity = this.h[H.CAPACITY];
    const bytes = entryBytes(packed);
    if (bytes > capacity) {
      throw new ItemTooLargeError(`the item takes ${bytes} bytes, more than the queue's byteCapacity of ${capacity}; create the queue with a larger byteCapacity`);
    }
    return packed;
  }

  #signal(seq: number, waiters: number): void {
    if (Atomics.load(this.h, waiters) > 0) {
      Atomics.add(this.h, seq, 1);
      Atomics.notify(this.h, seq, 1);
    }
  }

  #canPut(packed: Packed): boolean {
    const maxsize = this.h[H.MAXSIZE];
    return (maxsize <= 0 || this.h[H.COUNT] < maxsize) && this.#ring.fits(packed);
  }

  /** Adds the item; a PriorityQueue's item must compare with every queued one (else TypeError, and nothing changed). */
  #insert(packed: Packed, signal = true, counted = true): void {
    if (packed.tag === WIRE_CLOSED && this.#closeOneWriter()) return;
    // The hub takes WRITER_HELD out before it puts a child's items; never stored.
    if (packed.tag === WIRE_HELD) return;
    if (packed.sortKey) this.#ring.checkComparable(packed);
    this.#ring.append(packed);
    if (counted) this.h[H.UNFINISHED]++;
    if (signal) this.#signalNotEmpty();
  }

  /**
   * A Pipe's writing end closed by one of the processes holding it: true
   * while others still hold it (the marker is dropped); the last close's
   * marker goes in, and is the reader's EOF.
   */
  #closeOneWriter(): boolean {
    const writers = this.h[H.WRITERS];
    if (writers <= 0) return false;
    Atomics.store(this.h, H.WRITERS, writers - 1);
    return writers > 1;
  }

  #signalNotEmpty(): void {
    if (this.h[H.WAKE_ALL] && this.h[H.NOT_EMPTY_WAITERS] > 0) {
      Atomics.add(this.h, H.NOT_EMPTY_SEQ, 1);
      Atomics.notify(this.h, H.NOT_EMPTY_SEQ);
    } else {
      this.#signal(H.NOT_EMPTY_SEQ, H.NOT_EMPTY_WAITERS);
    }
  }

  /** Removes the next item; returns where its bytes are (valid until the lock is released). */
  #takeAt(): number {
    return this.#order === LIFO ? this.#ring.pop() : this.#order === PRIORITY ? this.#ring.popMin() : this.#ring.shift();
  }

  #take(): unknown {
    const value = this.#ring.read(this.#takeAt());
    this.#signal(H.NOT_FULL_SEQ, H.NOT_FULL_WAITERS);
    return value;
  }

  /**
   * Puts as many of `packed` (from `from` on) as there is room for, under one
   * lock and with one wake-up: the process hub passing on a burst of items
   * from a child. `counted` false: items coming back (not new work for join()).
   * Returns how many went in.
   */
  tryPutMany(packed: Packed[], from = 0, counted = true): number {
    const h = this.h;
    if (Atomics.load(h, H.SHUTDOWN)) throw new ShutDown();
    lockSync(h, H.LOCK);
    let at = from;
    while (at < packed.length && this.#canPut(packed[at])) this.#insert(packed[at++], false, counted);
    if (at > from) this.#signalNotEmpty();
    unlock(h, H.LOCK);
    return at - from;
  }

  /**
   * Takes up to `max` items at once without waiting, as the wire bytes a
   * remote getter reads (count, then length and wire item each; multiprocessing/queue-remote.ts): a remote getter's batch, copied
   * straight from the ring into one buffer, with `headroom` bytes left free at
   * its start for the caller's frame head. Undefined when the queue is empty.
   */
  takeWire(max: number, headroom: number): Buffer | undefined {
    const h = this.h;
    if (Atomics.load(h, H.COUNT) === 0) {
      if (Atomics.load(h, H.SHUTDOWN)) throw new ShutDown();
      return undefined;
    }
    lockSync(h, H.LOCK);
    const taken: number[] = [];
    let size = headroom + 4;
    while (taken.length < max && h[H.COUNT] > 0) {
      const at = this.#takeAt();
      taken.push(at);
      size += 5 + this.#ring.payloadAt(at).length;
    }
    let out: Buffer | undefined;
    if (taken.length > 0) {
      // The entries taken keep their bytes until the lock is released: copy them out now, in one buffer.
      out = Buffer.allocUnsafeSlow(size);
      out.writeUInt32LE(taken.length, headroom);
      let offset = headroom + 4;
      for (const at of taken) {
        const payload = this.#ring.payloadAt(at);
        out.writeUInt32LE(1 + payload.length, offset);
        out[offset + 4] = this.#ring.tagAt(at);
        copyBytes(payload, out, offset + 5);
        offset += 5 + payload.length;
      }
      this.#signal(H.NOT_FULL_SEQ, H.NOT_FULL_WAITERS);
    }
    unlock(h, H.LOCK);
    return out;
  }

  /** One attempt without waiting: true when put. */
  tryPut(packed: Packed): boolean {
    const h = this.h;
    if (Atomics.load(h, H.SHUTDOWN)) throw new ShutDown();
    lockSync(h, H.LOCK);
    try {
      const put = this.#canPut(packed);
      if (put) this.#insert(packed);
      return put;
    } finally {
      unlock(h, H.LOCK);
    }
  }

  /** Waits up to `ms` for room; throws Full on timeout, ShutDown if shut down meanwhile. */
  *putSteps(packed: Packed, ms: number): Waiting<void> {
    const h = this.h;
    const deadline = deadlineAfter(ms);
    yield* lockSteps(h, H.LOCK, Infinity);
    try {
      for (;;) {
        if (h[H.SHUTDOWN]) throw new ShutDown();
        if (this.#canPut(packed)) return this.#insert(packed);
        const left = remaining(deadline);
        if (left <= 0) throw new Full();
        yield* this.#await(H.NOT_FULL_SEQ, H.NOT_FULL_WAITERS, left);
      }
    } finally {
      unlock(h, H.LOCK);
    }
  }

  /**
   * One attempt without waiting: the item, or `none` when the queue is empty.
   * With `raw`, a serialized item comes back as it is stored (a Serialized
   * holding its bytes): the pools and the process hub pass bytes on unread.
   */
  tryGet<N>(none: N, raw = false): unknown {
    const h = this.h;
    if (Atomics.load(h, H.COUNT) === 0) {
      if (Atomics.load(h, H.SHUTDOWN)) throw new ShutDown();
      return none;
    }
    lockSync(h, H.LOCK);
    const value = h[H.COUNT] > 0 ? this.#take() : none;
    unlock(h, H.LOCK);
    return value === none || raw ? value : finish(value);
  }

  /** Removes the item put with priority key `key` if it is still queued (a pool cancelling a task); true when removed. */
  removeKey(key: number): boolean {
    const h = this.h;
    lockSync(h, H.LOCK);
    const removed = this.#ring.removeKey(key);
    if (removed) {
      if (h[H.UNFINISHED] > 0) h[H.UNFINISHED]--;
      this.#signal(H.NOT_FULL_SEQ, H.NOT_FULL_WAITERS);
    }
    unlock(h, H.LOCK);
    return removed;
  }

  /** Whether the item put with key `key` is still queued. */
  hasKey(key: number): boolean {
    lockSync(this.h, H.LOCK);
    const found = this.#ring.hasKey(key);
    unlock(this.h, H.LOCK);
    return found;
  }

  /** Waits up to `ms` for an item; throws Empty on timeout, ShutDown once shut down and empty. With `raw`, as in tryGet. */
  *getSteps(ms: number, raw = false): Waiting<unknown> {
    const h = this.h;
    const deadline = deadlineAfter(ms);
    for (let i = 0; i < SPINS && Atomics.load(h, H.COUNT) === 0; i++);
    yield* lockSteps(h, H.LOCK, Infinity);
    let value: unknown;
    try {
      for (;;) {
        if (h[H.COUNT] > 0) {
          value = this.#take();
          break;
        }
        if (h[H.SHUTDOWN]) throw new ShutDown();
        const left = remaining(deadline);
        if (left <= 0) throw new Empty();
        yield* this.#await(H.NOT_EMPTY_SEQ, H.NOT_EMPTY_WAITERS, left);
      }
    } finally {
      unlock(h, H.LOCK);
    }
    return raw ? value : finish(value);
  }

  /** Condition wait: release the lock, sleep until `seq` moves or `ms` pass, re-acquire. */
  *#await(seq: number, waiters: number, ms: number): Waiting<void> {
    const h = this.h;
    const seen = h[seq];
    h[waiters]++;
    unlock(h, H.LOCK);
    yield { cells: h, index: seq, value: seen, ms };
    yield* lockSteps(h, H.LOCK, Infinity);
    h[waiters]--;
  }

  /** A new bound on items; waiting putters re-check it (a larger one may let them in). */
  setMaxsize(maxsize: number): void {
    const h = this.h;
    lockSync(h, H.LOCK);
    Atomics.store(h, H.MAXSIZE, maxsize);
    Atomics.add(h, H.NOT_FULL_SEQ, 1);
    unlock(h, H.LOCK);
    Atomics.notify(h, H.NOT_FULL_SEQ);
  }

  taskDone(): void {
    const h = this.h;
    lockSync(h, H.LOCK);
    const left = h[H.UNFINISHED] - 1;
    if (left >= 0) h[H.UNFINISHED] = left;
    unlock(h, H.LOCK);
    if (left < 0) throw new ArgumentValueError('taskDone() called too many times');
    if (left === 0) Atomics.notify(h, H.UNFINISHED);
  }

  *joinSteps(): Waiting<void> {
    for (;;) {
      const unfinished = Atomics.load(this.h, H.UNFINISHED);
      if (unfinished === 0) return;
      yield { cells: this.h, index: H.UNFINISHED, value: unfinished, ms: Infinity };
    }
  }

  shutdown(immediate: boolean): void {
    const h = this.h;
    lockSync(h, H.LOCK);
    h[H.SHUTDOWN] = 1;
    if (immediate) {
      while (h[H.COUNT] > 0) {
        this.#take();
        if (h[H.UNFINISHED] > 0) h[H.UNFINISHED]--;
      }
      Atomics.notify(h, H.UNFINISHED);
    }
    // Everyone waiting re-checks: getters of an empty queue and all putters get ShutDown.
    Atomics.add(h, H.NOT_EMPTY_SEQ, 1);
    Atomics.add(h, H.NOT_FULL_SEQ, 1);
    unlock(h, H.LOCK);
    Atomics.notify(h, H.NOT_EMPTY_SEQ);
    Atomics.notify(h, H.NOT_FULL_SEQ);
  }
}
