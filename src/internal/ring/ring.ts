/**
 * A byte ring of variable-size entries in shared memory; every function here
 * runs with the queue's lock held. Entries never wrap: one that does not fit
 * before the end starts again at 0 and WRAP_AT records where the data before
 * it ends. Each entry also ends with its size, so a LIFO queue can take from
 * the back; a priority queue scans for the smallest item and marks it dead,
 * and dead entries are reclaimed as the ends pass them. A priority queue's
 * entry (flag byte 6 set) starts its payload with the item's sort key
 * (u32 length, then the key: sort-key.ts), then the item.
 *
 * Taking an entry (shift, pop, popMin) returns where it is: its bytes stay
 * there, readable with `read` or `payloadAt`, until the lock is released
 * (only an append overwrites them), so a reader can take several entries and
 * then copy them out together.
 */
import { readPayload, writePayload, type Packed } from './codec.js';
import { copyBytes } from './copy-bytes.js';
import { ENTRY_HEAD, ENTRY_OVERHEAD, H } from './layout.js';
import { compareSortKeys, isNumberKey, OBJECTS_TIED, objectsTiedError } from './sort-key.js';

const NO_BYTES = Buffer.alloc(0);

/** Where a PriorityQueue entry's sort key starts, from the entry's start (after the head and the key's u32 length). */
const SORT_KEY = ENTRY_HEAD + 4;

/** The bytes an entry for `packed` takes in the ring. */
export function entryBytes(packed: Packed): number {
  return packed.size + ENTRY_OVERHEAD + (packed.sortKey ? 4 + packed.sortKey.length : 0);
}

export class Ring {
  constructor(readonly h: Int32Array, readonly data: Buffer) {}

  #reset(): void {
    this.h[H.HEAD] = 0;
    this.h[H.TAIL] = 0;
    this.h[H.WRAP_AT] = -1;
  }

  /** Where an entry of `total` bytes would go now, or -1 when there is no room. */
  #placeFor(total: number): number {
    const h = this.h;
    if (h[H.COUNT] === 0) this.#reset();
    const head = h[H.HEAD];
    const tail = h[H.TAIL];
    if (h[H.WRAP_AT] >= 0) return head - tail >= total ? tail : -1;
    if (this.data.length - tail >= total) return tail;
    return head >= total ? 0 : -1;
  }

  fits(packed: Packed): boolean {
    return this.#placeFor(entryBytes(packed)) >= 0;
  }

  /** Appends at the tail; the caller checked `fits`. */
  append(packed: Packed): void {
    const h = this.h;
    const data = this.data;
    const total = entryBytes(packed);
    const at = this.#placeFor(total);
    if (at === 0 && h[H.TAIL] !== 0) h[H.WRAP_AT] = h[H.TAIL];
    data.writeUInt32LE(total - ENTRY_OVERHEAD, at);
    data[at + 4] = packed.tag;
    data[at + 5] = 1;
    data[at + 6] = packed.sortKey ? 1 : 0;
    data.writeDoubleLE(packed.key, at + 8);
    if (packed.sortKey) {
      data.writeUInt32LE(packed.sortKey.length, at + ENTRY_HEAD);
      copyBytes(packed.sortKey, data, at + SORT_KEY);
      if (!isNumberKey(packed.sortKey, 0)) h[H.NON_NUMBERS]++;
    }
    writePayload(data, this.#itemAt(at), packed);
    data.writeUInt32LE(total, at + total - 4);
    h[H.TAIL] = at + total;
    h[H.COUNT]++;
  }

  /** Where the entry's item starts: after its sort key, if it has one. */
  #itemAt(at: number): number {
    return this.data[at + 6] === 1 ? at + ENTRY_HEAD + 4 + this.data.readUInt32LE(at + ENTRY_HEAD) : at + ENTRY_HEAD;
  }

  #itemSize(at: number): number {
    return this.data.readUInt32LE(at) - (this.#itemAt(at) - at - ENTRY_HEAD);
  }

  /** The item of the entry at `at` (taken or not). */
  read(at: number): unknown {
    return readPayload(this.data, this.#itemAt(at), this.data[at + 4], this.#itemSize(at));
  }

  /** The entry's tag (codec.ts) and payload bytes (a view of the ring). */
  tagAt(at: number): number {
    return this.data[at + 4];
  }
  payloadAt(at: number): Buffer {
    const from = this.#itemAt(at);
    return this.data.subarray(from, from + this.#itemSize(at));
  }

  #sizeAt(at: number): number {
    return this.data.readUInt32LE(at) + ENTRY_OVERHEAD;
  }

  /** Moves HEAD past dead entries and over the wrap point. */
  #tidyHead(): void {
    const h = this.h;
    for (;;) {
      if (h[H.WRAP_AT] >= 0 && h[H.HEAD] === h[H.WRAP_AT]) {
        h[H.HEAD] = 0;
        h[H.WRAP_AT] = -1;
      }
      if (h[H.COUNT] === 0) return this.#reset();
      if (this.data[h[H.HEAD] + 5] === 1) return;
      h[H.HEAD] += this.#sizeAt(h[H.HEAD]);
    }
  }

  /** Moves TAIL back over dead entries and the wrap point. */
  #tidyTail(): void {
    const h = this.h;
    for (;;) {
      if (h[H.TAIL] === 0 && h[H.WRAP_AT] >= 0) {
        h[H.TAIL] = h[H.WRAP_AT];
        h[H.WRAP_AT] = -1;
      }
      if (h[H.COUNT] === 0) return this.#reset();
      const last = h[H.TAIL] - this.data.readUInt32LE(h[H.TAIL] - 4);
      if (this.data[last + 5] === 1) return;
      h[H.TAIL] = last;
    }
  }

  /** Takes the oldest entry (FIFO); returns where it is. */
  shift(): number {
    const h = this.h;
    this.#tidyHead();
    const at = h[H.HEAD];
    h[H.HEAD] = at + this.#sizeAt(at);
    h[H.COUNT]--;
    this.#tidyHead();
    return at;
  }

  /** Takes the newest entry (LIFO); returns where it is. */
  pop(): number {
    const h = this.h;
    this.#tidyTail();
    const at = h[H.TAIL] - this.data.readUInt32LE(h[H.TAIL] - 4);
    h[H.TAIL] = at;
    h[H.COUNT]--;
    this.#tidyTail();
    return at;
  }

  /** Where the live entry with `key` is, or -1 (the pools use task ids as keys, to cancel a queued task). */
  #find(key: number): number {
    const h = this.h;
    const segments = h[H.WRAP_AT] >= 0 ? [[h[H.HEAD], h[H.WRAP_AT]], [0, h[H.TAIL]]] : [[h[H.HEAD], h[H.TAIL]]];
    for (const [from, to] of segments) {
      for (let at = from; at < to; at += this.#sizeAt(at)) {
        if (this.data[at + 5] === 1 && this.data.readDoubleLE(at + 8) === key) return at;
      }
    }
    return -1;
  }

  /** Removes the live entry with `key` without reading it; false when there is none. */
  removeKey(key: number): boolean {
    const h = this.h;
    if (h[H.COUNT] === 0) return false;
    const at = this.#find(key);
    if (at < 0) return false;
    this.data[at + 5] = 0;
    h[H.COUNT]--;
    this.#tidyHead();
    if (h[H.COUNT] > 0) this.#tidyTail();
    return true;
  }

  /** Whether a live entry with `key` is in the ring. */
  hasKey(key: number): boolean {
    return this.h[H.COUNT] > 0 && this.#find(key) >= 0;
  }

  /** The live entries' start and end, oldest first: one segment, or two when the data wraps. */
  #segments(): number[][] {
    const h = this.h;
    return h[H.WRAP_AT] >= 0 ? [[h[H.HEAD], h[H.WRAP_AT]], [0, h[H.TAIL]]] : [[h[H.HEAD], h[H.TAIL]]];
  }

  /**
   * Python's order of an item (its sort key at `key[keyAt]`, its bytes in
   * `item[from, to)`) against the entry at `at`. Objects tied at a position
   * are equal when the whole items' bytes are, else Python's TypeError.
   */
  #orderAgainst(key: Buffer, keyAt: number, item: Buffer, from: number, to: number, at: number): number {
    const order = compareSortKeys(key, keyAt, this.data, at + SORT_KEY);
    if (order !== OBJECTS_TIED) return order;
    const other = this.#itemAt(at);
    if (item.compare(this.data, other, other + this.#itemSize(at), from, to) === 0) return 0;
    throw objectsTiedError();
  }

  /** Python's order of two entries (they were compared when the later one was put: this never throws). */
  #entryOrder(at: number, other: number): number {
    const order = compareSortKeys(this.data, at + SORT_KEY, this.data, other + SORT_KEY);
    if (order !== OBJECTS_TIED) return order;
    const item = this.#itemAt(at);
    return this.#orderAgainst(this.data, at + SORT_KEY, this.data, item, item + this.#itemSize(at), other);
  }

  /**
   * Throws Python's TypeError unless the item compares with every queued
   * one. Every put checks this, so the items queued are mutually comparable
   * and popMin never meets a pair it cannot order. A number among numbers
   * needs no check.
   */
  checkComparable(packed: Packed): void {
    const h = this.h;
    const key = packed.sortKey!;
    if (h[H.COUNT] === 0 || (isNumberKey(key, 0) && h[H.NON_NUMBERS] === 0)) return;
    // Objects are only in items serialized whole (V8), so other items never need their bytes.
    const item = packed.bytes ?? NO_BYTES;
    const data = this.data;
    for (const [from, to] of this.#segments()) {
      for (let at = from; at < to; at += this.#sizeAt(at)) {
        if (data[at + 5] === 1) this.#orderAgainst(key, 0, item, 0, item.length, at);
      }
    }
  }

  /** Takes the live entry with the smallest item (Python's order), the oldest among equals; returns where it is. */
  popMin(): number {
    const h = this.h;
    const data = this.data;
    let best = -1;
    for (const [from, to] of this.#segments()) {
      for (let at = from; at < to; at += this.#sizeAt(at)) {
        if (data[at + 5] === 1 && (best < 0 || this.#entryOrder(at, best) < 0)) best = at;
      }
    }
    data[best + 5] = 0;
    if (!isNumberKey(data, best + SORT_KEY)) h[H.NON_NUMBERS]--;
    h[H.COUNT]--;
    this.#tidyHead();
    if (h[H.COUNT] > 0) this.#tidyTail();
    return best;
  }
}
