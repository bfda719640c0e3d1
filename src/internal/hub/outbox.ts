/**
 * A child's frames that need no answer (puts on an unbounded queue, taskDone,
 * items handed back) wait here, in shared memory, for the child's helper
 * thread (entry/child-io.ts) to write them to fd 3 in batches: one write(2)
 * per batch instead of one per put, and written even while the main thread
 * busy-loops. Frames the main thread writes itself (requests, results) first
 * write out what waits here, under the same write lock, so fd 3 sees every
 * frame in the order the main thread made it.
 */
import { writevSync } from 'node:fs';
import { copyBytes } from '../ring/copy-bytes.js';
import { lockSync, unlock } from '../futex.js';
import { sleepMs, writeAll } from '../write-all.js';

const OUT_LOCK = 0;
/** Held for the whole of a write to fd 3 (the batch and any frame after it). */
const WRITE_LOCK = 1;
const LENGTH = 2;
/** 1 once the helper thread runs: before that nobody would write what waits here. */
const HELPER = 3;
const HEAD = 16;
export const OUTBOX_BYTES = HEAD + 256 * 1024;


export class Outbox {
  readonly #cells: Int32Array;
  readonly #data: Buffer;

  constructor(buffer: SharedArrayBuffer, readonly fd: number) {
    this.#cells = new Int32Array(buffer, 0, 4);
    this.#data = Buffer.from(buffer, HEAD);
  }

  /**
   * Adds a frame; false when it does not fit now, or when the helper thread has
   * not started yet (a child's first put comes while the thread still boots, on
   * a busy machine 100 ms or more): the caller writes it itself (writeDirect).
   */
  tryAdd(frame: Uint8Array): boolean {
    const cells = this.#cells;
    if (Atomics.load(cells, HELPER) === 0) return false;
    lockSync(cells, OUT_LOCK);
    const length = cells[LENGTH];
    const fits = length + frame.length <= this.#data.length;
    if (fits) {
      copyBytes(frame, this.#data, length);
      Atomics.store(cells, LENGTH, length + frame.length);
    }
    unlock(cells, OUT_LOCK);
    if (fits && length === 0) Atomics.notify(cells, LENGTH);
    return fits;
  }

  /** Takes what waits (a copy), under the short lock. */
  #take(): Buffer | undefined {
    const cells = this.#cells;
    lockSync(cells, OUT_LOCK);
    const length = cells[LENGTH];
    let batch: Buffer | undefined;
    if (length > 0) {
      batch = Buffer.allocUnsafeSlow(length);
      copyBytes(this.#data.subarray(0, length), batch, 0);
    }
    Atomics.store(cells, LENGTH, 0);
    unlock(cells, OUT_LOCK);
    return batch;
  }

  /** Writes out what waits (the helper thread, and anyone before writing directly). */
  flush(): void {
    lockSync(this.#cells, WRITE_LOCK);
    try {
      const batch = this.#take();
      if (batch) writeAll(this.fd, batch);
    } finally {
      unlock(this.#cells, WRITE_LOCK);
    }
  }

  /** Writes a frame after everything waiting, in that order. */
  writeDirect(frame: Uint8Array): void {
    lockSync(this.#cells, WRITE_LOCK);
    try {
      const batch = this.#take();
      if (batch) writeAll(this.fd, batch);
      writeAll(this.fd, frame);
    } finally {
      unlock(this.#cells, WRITE_LOCK);
    }
  }

  /**
   * Writes one frame given in parts (a head, then a large payload as it is)
   * after everything waiting, with one writev(2): a large queue item goes
   * from the caller's Buffer to the kernel without a copy of its own.
   */
  writeDirectParts(parts: Uint8Array[]): void {
    lockSync(this.#cells, WRITE_LOCK);
    try {
      const batch = this.#take();
      writevAll(this.fd, batch ? [batch, ...parts] : parts);
    } finally {
      unlock(this.#cells, WRITE_LOCK);
    }
  }

  /** The helper thread, as it starts: from now on it writes what is added. */
  helperStarted(): void {
    Atomics.store(this.#cells, HELPER, 1);
    Atomics.notify(this.#cells, HELPER);
  }

  /** The helper thread: blocks until something waits or `ms` pass; true when something waits. */
  waitForWork(ms: number): boolean {
    if (Atomics.load(this.#cells, LENGTH) > 0) return true;
    Atomics.wait(this.#cells, LENGTH, 0, ms);
    return Atomics.load(this.#cells, LENGTH) > 0;
  }
}

/** writeAll for several buffers: one writev(2) in the common case, the rest written on after a short write. */
function writevAll(fd: number, parts: Uint8Array[]): void {
  let written: number;
  for (;;) {
    try {
      written = writevSync(fd, parts);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EINTR') throw error;
      sleepMs(1);
    }
  }
  for (const part of parts) {
    if (written >= part.length) {
      written -= part.length;
      continue;
    }
    writeAll(fd, written > 0 ? part.subarray(written) : part);
    written = 0;
  }
}
