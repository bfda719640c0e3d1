/**
 * A byte ring of variable-size entries in shared memory; every function here
 * runs with the queue's lock held. Entries never wrap: one that does not fit
 * before the end starts again at 0 and WRAP_AT records where the data before
 * it ends. Each entry also ends with its size, so a LIFO queue can take from
 * the back; a priority queue scans for the smallest key and marks it dead,
 * and dead entries are reclaimed as the ends pass them.
 *
 * Taking an entry (shift, pop, popMin) returns where it is: its bytes stay
 * there, readable with `read` or `payloadAt`, until the lock is released
 * (only an append overwrites them), so a reader can take several entries and
 * then copy them out together.
 */
import { readPayload, writePayload, type Packed } from './codec.js';
import { ENTRY_HEAD, ENTRY_OVERHEAD, H } from './layout.js';

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
    return this.#placeFor(packed.size + ENTRY_OVERHEAD) >= 0;
  }

  /** Appends at the tail; the caller checked `fits`. */
  append(packed: Packed): void {
    const h = this.h;
    const data = this.data;
    const total = packed.size + ENTRY_OVERHEAD;
    const at = this.#placeFor(total);
    if (at === 0 && h[H.TAIL] !== 0) h[H.WRAP_AT] = h[H.TAIL];
    data.writeUInt32LE(packed.size, at);
    data[at + 4] = packed.tag;
    data[at + 5] = 1;
    data.writeDoubleLE(packed.key, at + 8);
    writePayload(data, at + ENTRY_HEAD, packed);
    data.writeUInt32LE(total, at + total - 4);
    h[H.TAIL] = at + total;
    h[H.COUNT]++;
  }

  /** The item of the entry at `at` (taken or not). */
  read(at: number): unknown {
    return readPayload(this.data, at + ENTRY_HEAD, this.data[at + 4], this.data.readUInt32LE(at));
  }

  /** The entry's tag (codec.ts) and payload bytes (a view of the ring). */
  tagAt(at: number): number {
    return this.data[at + 4];
  }
  payloadAt(at: number): Buffer {
    return this.data.subarray(at + ENTRY_HEAD, at + ENTRY_HEAD + this.data.readUInt32LE(at));
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

  /** Takes the live entry with the smallest key, the oldest among equals; returns where it is. */
  popMin(): number {
    const h = this.h;
    let best = -1;
    let bestKey = Infinity;
    const segments = h[H.WRAP_AT] >= 0 ? [[h[H.HEAD], h[H.WRAP_AT]], [0, h[H.TAIL]]] : [[h[H.HEAD], h[H.TAIL]]];
    for (const [from, to] of segments) {
      for (let at = from; at < to; at += this.#sizeAt(at)) {
        if (this.data[at + 5] !== 1) continue;
        const key = this.data.readDoubleLE(at + 8);
        if (best < 0 || key < bestKey) [best, bestKey] = [at, key];
      }
    }
    this.data[best + 5] = 0;
    h[H.COUNT]--;
    this.#tidyHead();
    if (h[H.COUNT] > 0) this.#tidyTail();
    return best;
  }
}
