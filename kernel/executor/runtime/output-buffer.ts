/**
 * The executor's outgoing frames, buffered in shared memory.
 *
 * Writing every console.log to the kernel with its own write(2) made 100,000
 * lines take 0.6 s. Frames are appended here instead, and a flusher thread
 * writes them out a few milliseconds later, in one write, even while the
 * main thread busy-loops (which is why it is a thread and not a timer).
 * Frames that must not wait (a cell's end, an input request) flush at once.
 *
 * The buffer is a SharedArrayBuffer, so every thread of the executor can
 * append to the same one, under one lock: frames never interleave.
 */
import { writeSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { FRAMES_FD } from '../messages.js';

const LOCK = 0; // 0 = free, else the holder's threadId + 1
const LENGTH = 1; // bytes waiting in `data`
const WAITERS = 2; // threads waiting for the lock: unlock only wakes anyone when there are some
const HEADER_BYTES = 16;
export const CAPACITY = 1 << 20;

/** How long the flusher lets frames gather before writing them. */
export const GATHER_MS = 4;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export class OutputBuffer {
  private readonly header: Int32Array;
  private readonly data: Buffer;
  private readonly me = threadId + 1;

  constructor(readonly shared: SharedArrayBuffer = new SharedArrayBuffer(HEADER_BYTES + CAPACITY)) {
    this.header = new Int32Array(shared, 0, 3);
    this.data = Buffer.from(shared, HEADER_BYTES, CAPACITY);
  }

  /** Queues whole frames, as text; the flusher thread sends them soon. */
  appendText(text: string): void {
    // Encode straight into shared memory when it surely fits: no garbage per console.log.
    if (text.length * 3 > CAPACITY) {
      this.append(Buffer.from(text, 'utf8'));
      return;
    }
    this.lock();
    let wasEmpty: boolean;
    try {
      let length = this.header[LENGTH];
      if (length + text.length * 3 > CAPACITY) {
        this.writeOut(this.data.subarray(0, length));
        length = 0;
      }
      wasEmpty = length === 0;
      length += (this.data as Buffer).write(text, length, 'utf8');
      Atomics.store(this.header, LENGTH, length);
    } finally {
      this.unlock();
    }
    // The flusher sleeps only while the buffer is empty.
    if (wasEmpty) Atomics.notify(this.header, LENGTH);
  }

  /** Queues bytes (whole frames); the flusher thread sends them soon. */
  append(bytes: Uint8Array): void {
    this.lock();
    let wasEmpty: boolean;
    try {
      let length = this.header[LENGTH];
      if (length + bytes.length > CAPACITY) {
        this.writeOut(this.data.subarray(0, length));
        length = 0;
      }
      wasEmpty = length === 0;
      if (bytes.length > CAPACITY) {
        this.writeOut(bytes);
      } else {
        this.data.set(bytes, length);
        length += bytes.length;
      }
      Atomics.store(this.header, LENGTH, length);
    } finally {
      this.unlock();
    }
    if (wasEmpty) Atomics.notify(this.header, LENGTH);
  }

  /** Sends everything queued, now. */
  flush(): void {
    this.lock();
    try {
      const length = this.header[LENGTH];
      if (length > 0) this.writeOut(this.data.subarray(0, length));
      Atomics.store(this.header, LENGTH, 0);
    } finally {
      this.unlock();
    }
  }

  /** The flusher thread's loop: sleep while empty, gather briefly, write. Never returns. */
  runFlusher(): never {
    for (;;) {
      Atomics.wait(this.header, LENGTH, 0);
      Atomics.wait(sleeper, 0, 0, GATHER_MS);
      this.flush();
    }
  }

  private lock(): void {
    for (;;) {
      const holder = Atomics.compareExchange(this.header, LOCK, 0, this.me);
      // Held by this very thread: an interrupt (breakOnSigint) ended it inside
      // append() without running `finally`. Nobody else can be inside: take it back.
      if (holder === 0 || holder === this.me) return;
      Atomics.add(this.header, WAITERS, 1);
      Atomics.wait(this.header, LOCK, holder, 50);
      Atomics.sub(this.header, WAITERS, 1);
    }
  }

  private unlock(): void {
    Atomics.store(this.header, LOCK, 0);
    if (Atomics.load(this.header, WAITERS) > 0) Atomics.notify(this.header, LOCK);
  }

  private writeOut(bytes: Uint8Array): void {
    let written = 0;
    while (written < bytes.length) {
      try {
        written += writeSync(FRAMES_FD, bytes, written);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // The kernel reads slower than we write (a non-blocking fd): wait for room.
        if (code === 'EAGAIN') Atomics.wait(sleeper, 0, 0, 2);
        // The kernel is gone; the lifeline watchdog is about to end this process.
        else if (code === 'EPIPE') return;
        else throw error;
      }
    }
  }
}
