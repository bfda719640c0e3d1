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
 *
 * An interrupt ends a cell's synchronous code wherever it is (vm's
 * breakOnSigint terminates it; no `finally` runs), also inside these methods.
 * So the thread that runs cells (`interruptible` says when) never writes to
 * the pipe itself: a write cut short would leave half a frame, and the frames
 * after it (the cell's `done`) would be lost in one broken line. It asks the
 * flusher to write and waits for room instead. And what an interrupted append
 * had half done is repaired when the same thread next takes the lock.
 */
import { threadId } from 'node:worker_threads';
import { writeAll } from '../../../src/host/index.js';
import { FRAMES_FD } from '../messages.js';

const LOCK = 0; // guards `data` and LENGTH: 0 = free, else the holder's threadId + 1
const LENGTH = 1; // bytes waiting in `data`
const WAITERS = 2; // threads waiting for a lock: unlock only wakes anyone when there are some
const WRITING = 3; // held while bytes taken from `data` are written out, so writes keep their order
const LAST_STREAM = 4; // 1 + where the last frame starts when it is a stream frame, else 0
const URGENT = 5; // 1 when a frame must not wait for the flusher's gathering
const FLUSHES = 6; // counts flushes: a thread waiting for room waits for this to change
const HEADER_BYTES = 32;
/** A stream frame grows by merging up to this size; then a new one starts. */
const MERGE_LIMIT = 1 << 16;
export const CAPACITY = 1 << 20;

/** How long the flusher lets frames gather before writing them. */
export const GATHER_MS = 4;

export class OutputBuffer {
  private readonly header: Int32Array;
  private readonly data: Buffer;
  private readonly me = threadId + 1;

  /**
   * @param interruptible true while this thread may be terminated (a cell's
   *   script runs under breakOnSigint): then it leaves writing to the flusher.
   */
  constructor(
    readonly shared: SharedArrayBuffer = new SharedArrayBuffer(HEADER_BYTES + CAPACITY),
    private readonly interruptible: () => boolean = () => false,
  ) {
    this.header = new Int32Array(shared, 0, HEADER_BYTES / 4);
    this.data = Buffer.from(shared, HEADER_BYTES, CAPACITY);
  }

  /**
   * Queues stream text. When the newest frame in the buffer is a stream frame
   * of the same cell and stream (its JSON starts with `prefix`), the text joins
   * it: 100,000 console.logs become a few frames for the kernel to parse.
   *
   * @param prefix the frame's JSON up to its text: `{"type":"stream",...,"text":`
   * @param escaped the text as inside a JSON string (JSON.stringify without the quotes)
   */
  appendStream(prefix: string, escaped: string): void {
    const frame = `${prefix}"${escaped}"}\n`;
    if (frame.length * 3 > CAPACITY) {
      this.appendText(frame);
      return;
    }
    this.lockWithRoom(frame.length * 3);
    let wasEmpty: boolean;
    try {
      let length = this.header[LENGTH];
      wasEmpty = length === 0;
      const last = this.header[LAST_STREAM] - 1;
      const fits = length + escaped.length * 3 <= CAPACITY && length - last + escaped.length * 3 < MERGE_LIMIT;
      if (last >= 0 && fits && this.data.toString('latin1', last, last + prefix.length) === prefix) {
        // Overwrite the frame's closing `"}\n` with the new text and close it again.
        length -= 3;
        length += this.data.write(escaped, length, 'utf8');
        length += this.data.write('"}\n', length, 'latin1');
      } else {
        if (length + frame.length * 3 > CAPACITY) length = this.writeAllQueued(length);
        this.header[LAST_STREAM] = length + 1;
        length += this.data.write(frame, length, 'utf8');
      }
      Atomics.store(this.header, LENGTH, length);
    } finally {
      this.unlock();
    }
    if (wasEmpty) Atomics.notify(this.header, LENGTH);
  }

  /** Queues whole frames, as text; the flusher thread sends them soon. */
  appendText(text: string): void {
    // Encode straight into shared memory when it surely fits: no garbage per console.log.
    if (text.length * 3 > CAPACITY) {
      this.append(Buffer.from(text, 'utf8'));
      return;
    }
    this.lockWithRoom(text.length * 3);
    let wasEmpty: boolean;
    try {
      let length = this.header[LENGTH];
      if (length + text.length * 3 > CAPACITY) length = this.writeAllQueued(length);
      wasEmpty = length === 0;
      this.header[LAST_STREAM] = 0;
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
    this.lockWithRoom(Math.min(bytes.length, CAPACITY));
    let wasEmpty: boolean;
    try {
      let length = this.header[LENGTH];
      if (length + bytes.length > CAPACITY) length = this.writeAllQueued(length);
      wasEmpty = length === 0;
      this.header[LAST_STREAM] = 0;
      if (bytes.length > CAPACITY) {
        // A frame over 1 MiB (a large display) is still written by its own thread, even a cell's.
        this.writeInOrder(bytes);
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

  /**
   * Sends everything queued, now. The bytes are copied out under the data lock
   * and written under the write lock only, so appending never waits for a
   * write(2); taking the write lock before letting go of the data lock keeps
   * two flushes in order.
   */
  flush(): void {
    this.lock();
    let pending: Buffer;
    try {
      const length = this.header[LENGTH];
      if (length === 0) return;
      pending = Buffer.from(this.data.subarray(0, length));
      Atomics.store(this.header, LENGTH, 0);
      this.header[LAST_STREAM] = 0;
      this.lock(WRITING);
    } finally {
      this.unlock();
    }
    Atomics.add(this.header, FLUSHES, 1);
    Atomics.notify(this.header, FLUSHES);
    try {
      this.writeOut(pending);
    } finally {
      this.unlock(WRITING);
    }
  }

  /** Has the flusher thread write what is queued now, without gathering more: for a thread that must not write itself. */
  flushSoon(): void {
    Atomics.store(this.header, URGENT, 1);
    Atomics.notify(this.header, URGENT);
    Atomics.notify(this.header, LENGTH);
  }

  /** The flusher thread's loop: sleep while empty, gather briefly (unless urgent), write. Never returns. */
  runFlusher(): never {
    for (;;) {
      Atomics.wait(this.header, LENGTH, 0);
      Atomics.wait(this.header, URGENT, 0, GATHER_MS);
      Atomics.store(this.header, URGENT, 0);
      this.flush();
    }
  }

  private lock(cell = LOCK): void {
    for (;;) {
      const holder = Atomics.compareExchange(this.header, cell, 0, this.me);
      if (holder === 0) return;
      // Held by this very thread: an interrupt (breakOnSigint) ended it inside
      // a locked section without running `finally`. Nobody else can be inside: take it back.
      if (holder === this.me) {
        if (cell === LOCK) this.repair();
        return;
      }
      Atomics.add(this.header, WAITERS, 1);
      Atomics.wait(this.header, cell, holder, 50);
      Atomics.sub(this.header, WAITERS, 1);
    }
  }

  /**
   * A thread that exited while it held a lock (a pool thread terminated by an
   * interrupt in the middle of a console.log): undoes what it half did and
   * frees the lock, so output does not stop for good. Bytes it had already
   * written to the pipe under WRITING cannot be taken back.
   */
  releaseLocksOf(deadThreadId: number): void {
    const dead = deadThreadId + 1;
    if (Atomics.compareExchange(this.header, LOCK, dead, this.me) === dead) {
      this.repair();
      this.unlock();
    }
    if (Atomics.compareExchange(this.header, WRITING, dead, this.me) === dead) this.unlock(WRITING);
  }

  private unlock(cell = LOCK): void {
    Atomics.store(this.header, cell, 0);
    if (Atomics.load(this.header, WAITERS) > 0) Atomics.notify(this.header, cell);
  }

  /**
   * Undoes what an interrupted append left half done. Only bytes past LENGTH
   * are written before LENGTH moves, except when text joins the last stream
   * frame: that overwrites the frame's closing `"}\n` first, so put it back.
   * A new frame announces itself in LAST_STREAM before it is written: forget it.
   */
  private repair(): void {
    const length = this.header[LENGTH];
    const last = this.header[LAST_STREAM] - 1;
    if (last >= length) this.header[LAST_STREAM] = 0;
    else if (last >= 0) this.data.write('"}\n', length - 3, 'latin1');
  }

  /**
   * Takes the data lock with room for `bytes` more. The thread that runs cells,
   * while it may be interrupted, waits for the flusher to make room instead of
   * writing itself (see the top of this file); other threads write when full.
   */
  private lockWithRoom(bytes: number): void {
    for (;;) {
      this.lock();
      if (this.header[LENGTH] + bytes <= CAPACITY || !this.interruptible()) return;
      const flushes = Atomics.load(this.header, FLUSHES);
      this.unlock();
      this.flushSoon();
      Atomics.wait(this.header, FLUSHES, flushes, 50);
    }
  }

  /** With the data lock held and the buffer full: writes everything queued, in order, and empties the buffer. */
  private writeAllQueued(length: number): 0 {
    this.writeInOrder(this.data.subarray(0, length));
    // Empty at once: written bytes must never be written again.
    Atomics.store(this.header, LENGTH, 0);
    this.header[LAST_STREAM] = 0;
    return 0;
  }

  /** A write from inside the data lock (the buffer is full): after any write already under way. */
  private writeInOrder(bytes: Uint8Array): void {
    this.lock(WRITING);
    try {
      this.writeOut(bytes);
    } finally {
      this.unlock(WRITING);
    }
  }

  private writeOut(bytes: Uint8Array): void {
    try {
      writeAll(FRAMES_FD, bytes);
    } catch (error) {
      // The kernel is gone; the lifeline watchdog is about to end this process.
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
    }
  }

}
