/**
 * The hub's side of multiprocessing Queues. A queue lives in the shared
 * memory of the process that made it (the queue module's ring), so its
 * threads use it directly; children reach it through this hub, which puts
 * and gets on their behalf. The hub waits on the ring asynchronously, so one
 * child waiting for an item never holds up another, nor the pools.
 *
 * Two things make it fast. A burst of puts from a child goes into the ring
 * under one lock, with one wake-up of a waiting reader. And a child that is
 * the queue's only remote reader, and uses its items quickly, is given
 * several per request (doubling up to 256): a round trip per item would cap
 * it near 20,000 items a second. It hands back what it did not use when its
 * task or run() ends (they go to the back of the queue). A second reader
 * stops the batching, and a batch never holds more than about 5 ms of the
 * reader's own pace (the time from an answer to the next request, per item
 * answered), so a slow reader gets one item at a time and never sits on work
 * another process could do. (Timing the whole round trip instead reset a fast
 * reader of 10 KB items to one item whenever a busy machine stretched the
 * transfer of a batch past 5 ms.)
 */
import { Full, ShutDown } from '../../errors.js';
import { pack, packedFromWire, WIRE_CLOSED, WIRE_HELD, WRITER_CLOSED, type Packed } from '../ring/codec.js';
import { H } from '../ring/layout.js';
import { QueueCore } from '../ring/queue-core.js';
import { whenNotEmpty } from '../ring/ring-wait.js';
import { Writer } from '../wire-codec.js';
import { deadlineAfter, remaining, runAsync } from '../wait.js';
import type { Child } from './child.js';
import { fillFrameHead, type Frame } from './frames.js';
import { F, FRAME_HEAD, Q, QS } from './protocol.js';

const MAX_BATCH = 256;
/** The most of its own work, in ms at its pace so far, a reader is given at once. */
const HOARD_MS = 5;

interface Served {
  core: QueueCore;
  /** Children that have asked for items: batching only while there is one. */
  readers: Set<Child>;
}

interface Requester {
  gone: boolean;
  /** Puts of this child waiting for room, per queue: later puts queue behind them, in order. */
  puts: Map<number, Promise<void>>;
  /** Per queue: how many items the last GET was given, when, and its size limit. */
  batch: Map<number, Batch>;
  /** Per Pipe queue: the copies of its writing end this child holds and has not closed (WRITER_HELD, WRITER_CLOSED). */
  holds: Map<number, number>;
}

interface Batch {
  size: number;
  given: number;
  answeredAt: number;
}

type Reply = (status: number, answer?: Uint8Array) => void;

function errorText(error: unknown): Buffer {
  return Buffer.from(error instanceof ShutDown ? 'the queue was shut down' : (error as Error).message);
}

/** The items of a RETURN (or of a GET answer): count, then (length, wire item) each. */
function readItems(body: Buffer, at: number): Packed[] {
  const count = body.readUInt32LE(at);
  const items: Packed[] = [];
  let offset = at + 4;
  for (let i = 0; i < count; i++) {
    const length = body.readUInt32LE(offset);
    items.push(packedFromWire(body.subarray(offset + 4, offset + 4 + length)));
    offset += 4 + length;
  }
  return items;
}

/** The wire tag of a put's item when it is a Pipe end marker (WRITER_HELD, WRITER_CLOSED), else -1. */
function pipeMarker(received: Frame): number {
  if (received.b !== Q.PUT || received.body.length !== 13) return -1;
  const tag = received.body[12];
  return tag === WIRE_HELD || tag === WIRE_CLOSED ? tag : -1;
}

export class QueueService {
  readonly #queues = new Map<number, Served>();
  readonly #requesters = new Map<Child, Requester>();

  serve(id: number, buffer: SharedArrayBuffer): void {
    if (!this.#queues.has(id)) this.#queues.set(id, { core: new QueueCore(buffer), readers: new Set() });
  }

  /**
   * A child is gone: what it still waits for is dropped (an item it would
   * have got stays in the queue), and the Pipe ends it held and did not close
   * (it was killed) are closed for it, after its last puts, as the OS closes
   * a dead process's handles in Python.
   */
  forget(child: Child): void {
    const requester = this.#requesters.get(child);
    if (requester) {
      for (const [id, copies] of requester.holds) {
        if (copies > 0) this.#putAll(child, id, Array.from({ length: copies }, () => pack(WRITER_CLOSED)), Infinity, () => {}, true);
      }
      requester.gone = true;
    }
    this.#requesters.delete(child);
  }

  /** The Pipe end markers of a child's put: a WRITER_HELD is counted and goes no further (true); a WRITER_CLOSED is counted and goes in. */
  #holding(child: Child, received: Frame, id: number): boolean {
    const tag = pipeMarker(received);
    if (tag < 0) return false;
    const holds = this.#requester(child).holds;
    holds.set(id, (holds.get(id) ?? 0) + (tag === WIRE_HELD ? 1 : -1));
    return tag === WIRE_HELD;
  }

  #requester(child: Child): Requester {
    let requester = this.#requesters.get(child);
    if (!requester) this.#requesters.set(child, (requester = { gone: false, puts: new Map(), batch: new Map(), holds: new Map() }));
    return requester;
  }

  /** Queue operations from one chunk of a child's frames, in order; consecutive unanswered puts to one queue go in together. */
  handle(child: Child, frames: Frame[]): void {
    for (let i = 0; i < frames.length; i++) {
      const received = frames[i];
      const id = received.body.readUInt32LE(0);
      if (this.#holding(child, received, id)) continue;
      if (received.b === Q.PUT && received.a === 0) {
        const burst: Packed[] = [packedFromWire(received.body.subarray(12))];
        // A Pipe end marker ends the burst: it is counted on its own, above.
        while (i + 1 < frames.length && frames[i + 1].b === Q.PUT && frames[i + 1].a === 0 && frames[i + 1].body.readUInt32LE(0) === id && pipeMarker(frames[i + 1]) < 0) {
          burst.push(packedFromWire(frames[++i].body.subarray(12)));
        }
        this.#putAll(child, id, burst, Infinity, () => {}, true);
      } else {
        this.#one(child, received);
      }
    }
  }

  #one(child: Child, received: Frame): void {
    const body = received.body;
    const id = body.readUInt32LE(0);
    const reply: Reply = (status, answer) => {
      if (received.a !== 0) child.send(F.Q_REPLY, received.a, status, answer);
    };
    const served = this.#queues.get(id);
    if (!served) return reply(QS.ERROR, Buffer.from(`queue ${id} is not served here: a multiprocessing Queue reaches the processes started by the process that made it`));
    const { core } = served;
    switch (received.b) {
      case Q.PUT: return this.#putAll(child, id, [packedFromWire(body.subarray(12))], body.readDoubleLE(4), reply, true);
      case Q.RETURN: return this.#putAll(child, id, readItems(body, 12), Infinity, () => {}, false);
      case Q.GET: return void this.#get(child, served, id, body.readDoubleLE(4), body.readUInt32LE(12), received.a, reply);
      case Q.QSIZE: return reply(QS.OK, new Writer().value(Atomics.load(core.h, H.COUNT)).take());
      case Q.TASK_DONE: {
        try {
          core.taskDone();
        } catch {
          // Called too many times in the child: as in this process, the count stays at zero.
        }
        return;
      }
      case Q.JOIN: return void runAsync(core.joinSteps()).then(() => reply(QS.OK));
      case Q.POLL: return void this.#poll(child, core, body.readDoubleLE(4), reply);
    }
  }

  /**
   * Puts items for a child, in order: at once what fits (one lock), the rest
   * waiting their turn behind any earlier puts of that child still waiting.
   * `counted` false: items handed back, already counted for join().
   */
  #putAll(child: Child, id: number, items: Packed[], ms: number, reply: Reply, counted: boolean): void {
    const served = this.#queues.get(id);
    if (!served) return reply(QS.ERROR, Buffer.from(`queue ${id} is not served here`));
    const { core } = served;
    const requester = this.#requester(child);
    const before = requester.puts.get(id);
    let from = 0;
    if (!before) {
      try {
        from = core.tryPutMany(items, 0, counted);
      } catch (error) {
        return reply(QS.ERROR, errorText(error));
      }
      if (from === items.length) return reply(QS.OK);
      if (ms < 0) return reply(QS.FULL);
    }
    const rest = items.slice(from);
    const next = (before ?? Promise.resolve()).then(async () => {
      try {
        for (const packed of rest) {
          if (core.tryPutMany([packed], 0, counted) === 1) continue;
          await runAsync(core.putSteps(packed, ms));
          // putSteps counts the item for join(); one handed back was counted already.
          if (!counted) core.taskDone();
        }
        reply(QS.OK);
      } catch (error) {
        reply(error instanceof Full ? QS.FULL : QS.ERROR, errorText(error));
      }
    });
    requester.puts.set(id, next);
    void next.then(() => {
      if (requester.puts.get(id) === next) requester.puts.delete(id);
    });
  }

  /** How many items this GET may take: more while the child is the only reader and uses them quickly. */
  #batchFor(requester: Requester, served: Served, child: Child, id: number, wanted: number): Batch | undefined {
    served.readers.add(child);
    if (wanted <= 1 || served.readers.size > 1) return undefined;
    let batch = requester.batch.get(id);
    if (!batch) requester.batch.set(id, (batch = { size: 1, given: 0, answeredAt: 0 }));
    if (batch.given > 0) {
      const perItem = (performance.now() - batch.answeredAt) / batch.given;
      const limit = Math.max(1, Math.floor(HOARD_MS / Math.max(perItem, 1e-3)));
      batch.size = Math.min(batch.size * 2, limit, wanted, MAX_BATCH);
    }
    batch.given = 0;
    return batch;
  }

  /** Answers with up to `wanted` items, each copied once: from the ring into the answer frame. */
  async #get(child: Child, served: Served, id: number, ms: number, wanted: number, request: number, reply: Reply): Promise<void> {
    const requester = this.#requester(child);
    const batch = this.#batchFor(requester, served, child, id, wanted);
    const count = batch?.size ?? 1;
    const deadline = deadlineAfter(ms < 0 ? 0 : ms);
    for (;;) {
      if (requester.gone) return;
      let answer: Buffer | undefined;
      try {
        answer = served.core.takeWire(count, FRAME_HEAD);
      } catch (error) {
        return reply(QS.ERROR, errorText(error));
      }
      if (answer) {
        child.sendFrame(fillFrameHead(answer, F.Q_REPLY, request, QS.OK));
        if (batch) {
          batch.given = answer.readUInt32LE(FRAME_HEAD);
          batch.answeredAt = performance.now();
        }
        return;
      }
      const left = remaining(deadline);
      if (left <= 0) return reply(QS.EMPTY);
      await whenNotEmpty(served.core, Math.min(left, 1000));
    }
  }

  async #poll(child: Child, core: QueueCore, ms: number, reply: Reply): Promise<void> {
    const requester = this.#requester(child);
    const deadline = deadlineAfter(ms < 0 ? 0 : ms);
    for (;;) {
      if (requester.gone) return;
      if (Atomics.load(core.h, H.COUNT) > 0) return reply(QS.OK, Buffer.from([1]));
      const left = remaining(deadline);
      if (left <= 0) return reply(QS.OK, Buffer.from([0]));
      await whenNotEmpty(core, Math.min(left, 1000));
    }
  }
}
