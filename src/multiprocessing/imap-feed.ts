/**
 * The lazy side of `imap` and `imapUnordered` over an iterable that is not an
 * array: its items are read as the workers need them, not all at the call.
 * CPython's task handler pulls from the iterable as it goes, so an endless
 * generator yields results, and an error the iterable throws comes after the
 * results of the items before it. Here the reading happens on the caller's
 * thread (a generator belongs to it), when the caller asks for a result and
 * whenever a chunk finishes, at most a few chunks per worker ahead.
 */
import { Interrupted, PoolStateError } from '../errors.js';
import { outputHooks } from '../internal/host/output.js';
import { Completion } from '../internal/pool/completion.js';
import type { Engine } from '../internal/pool/engine.js';
import type { FnSpec } from '../internal/ship/shipped.js';
import type { OpenProgress } from '../display/map-progress.js';
import type { ChunkFeed } from './async-result.js';

/** Chunks sent and not finished, per worker: one running, one waiting behind it, so no worker idles. */
const IN_FLIGHT_PER_WORKER = 2;
/**
 * Chunks sent whose results the caller has not taken yet, per worker: what an
 * endless iterable costs in memory when the caller reads slower than the
 * workers work (imap also waits, in order, behind one slow chunk).
 */
const AHEAD_PER_WORKER = 8;

export class ImapFeed implements ChunkFeed {
  readonly chunks: Completion<unknown[]>[] = [];
  #ended = false;
  readonly #engine: Engine;
  readonly #spec: FnSpec;
  readonly #iterator: Iterator<unknown>;
  readonly #chunksize: number;
  readonly #onEnd: (feed: ImapFeed) => void;
  /** The progress bar: a count of tasks, as the total is not known. */
  readonly #progress: OpenProgress;
  #inFlight = 0;
  /** Chunks whose results the caller has taken (ResultIterator's count). */
  #taken = 0;
  /** After the pool's close(): read to the end whether or not the caller reads (as Python's pool does). */
  #draining = false;
  /** Set while the iterable's own code runs: a chunk finishing meanwhile must not read it again. */
  #reading = false;
  #listener: ((chunk: Completion<unknown[]>) => void) | undefined;
  /** The output tag of the imap call: its tasks' output goes there, and an interrupt of that code stops them. */
  readonly #tag = outputHooks.outputTag() ?? null;
  /** The iterable's error, as the last chunk: settled once the chunks before it have (see #end). */
  #failure: { chunk: Completion<unknown[]>; error: unknown } | undefined;

  /** `onEnd` hears once that no chunk will be added any more. */
  constructor(engine: Engine, spec: FnSpec, iterator: Iterator<unknown>, chunksize: number, onEnd: (feed: ImapFeed) => void, progress: OpenProgress) {
    this.#engine = engine;
    this.#spec = spec;
    this.#iterator = iterator;
    this.#chunksize = chunksize;
    this.#onEnd = onEnd;
    this.#progress = progress;
  }

  get ended(): boolean {
    return this.#ended;
  }

  onChunk(listener: (chunk: Completion<unknown[]>) => void): void {
    this.#listener = listener;
  }

  fill(taken: number = this.#taken): void {
    this.#taken = Math.max(this.#taken, taken);
    if (this.#reading) return;
    this.#reading = true;
    try {
      while (!this.#ended && this.#wantsMore()) this.#readChunk();
    } finally {
      this.#reading = false;
    }
  }

  #wantsMore(): boolean {
    const workers = this.#engine.size;
    if (this.#inFlight >= workers * IN_FLIGHT_PER_WORKER) return false;
    return this.#draining || this.chunks.length - this.#taken < workers * AHEAD_PER_WORKER;
  }

  /** Reads one chunk's items and sends it; the end of the iterable, or its error, ends the feed. */
  #readChunk(): void {
    const items: unknown[] = [];
    try {
      while (items.length < this.#chunksize) {
        const step = this.#iterator.next();
        if (step.done) break;
        items.push(step.value);
      }
    } catch (error) {
      // CPython's _guarded_task_generation: the error takes the place of the chunk it cut
      // short (whose items are not run) and is the last thing the caller gets.
      return this.#end({ error });
    }
    // Ended while its code ran (an interrupt taken in by a poll inside it): nothing more is sent.
    if (this.#ended) return;
    if (items.length > 0) this.#send(items);
    if (items.length < this.#chunksize) this.#end();
  }

  #send(items: unknown[]): void {
    const chunk = new Completion<unknown[]>(this.#engine);
    try {
      this.#engine.submit(this.#spec, 'map', items, (outcome) => chunk.settle(outcome), this.#tag);
    } catch (error) {
      // A pool that takes no more tasks ends the reading.
      if (error instanceof PoolStateError) return this.#end({ error });
      // Items that cannot be sent fail their chunk only, as CPython's task handler sets that task's error and goes on.
      chunk.settle({ ok: false, error });
      return this.#add(chunk, items.length);
    }
    this.#inFlight++;
    this.#add(chunk, items.length);
    chunk.onSettled(() => this.#finished(chunk));
  }

  /** A chunk of `size` items for the caller (and the progress count). */
  #add(chunk: Completion<unknown[]>, size: number): void {
    this.#progress.chunk(chunk, size);
    this.chunks.push(chunk);
    this.#listener?.(chunk);
  }

  #finished(chunk: Completion<unknown[]>): void {
    this.#inFlight--;
    if (this.#inFlight === 0) this.#fail();
    // Interrupted work (a notebook cell stopped) reads no further: that would start more of it.
    if (chunk.status === 'rejected' && chunk.error instanceof Interrupted) return this.#end();
    this.fill();
  }

  #end(failure?: { error: unknown }): void {
    if (this.#ended) return;
    this.#ended = true;
    if (failure) {
      this.#failure = { chunk: new Completion<unknown[]>(this.#engine), error: failure.error };
      this.#add(this.#failure.chunk, 0);
      if (this.#inFlight === 0) this.#fail();
    }
    this.#progress.end();
    this.#onEnd(this);
  }

  /**
   * The error is the last thing the caller gets, for imapUnordered too: after
   * the results of every item read before it (Python's comes from a worker,
   * after those of the tasks queued before it, in an order no one can tell).
   */
  #fail(): void {
    const failure = this.#failure;
    this.#failure = undefined;
    failure?.chunk.settle({ ok: false, error: failure.error });
  }

  /** The caller broke out of its loop: nothing more is read, and the iterable is closed (its `return()`), as `for...of` closes it. */
  stop(): void {
    if (this.#ended) return;
    this.#progress.end(true);
    this.#end();
    this.#iterator.return?.();
  }

  /** The pool was closed: the rest of the iterable is read as workers free up, whether or not the caller reads. */
  drain(): void {
    this.#draining = true;
    this.fill();
  }

  /** The pool was terminated: nothing more is read; the caller gets PoolStateError where the unread items were. */
  terminated(): void {
    this.#end({ error: new PoolStateError('the pool was terminated before imap had read its whole iterable') });
  }
}
