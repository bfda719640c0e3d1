/**
 * The manager's loop, in its own worker thread (entry/manager.ts): takes
 * requests from the one request queue with the Promise form of get (so its
 * event loop stays free for reply-queue registrations), runs each operation to
 * its end, in arrival order, and puts the reply in the caller's reply queue.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { Empty, Full, ManagerStateError } from '../errors.js';
import { serializeError } from '../internal/error-wire.js';
import { revive, type SharedForm } from '../internal/share/registry.js';
import type { Queue } from '../queue/queue.js';
// Registers the Queue kind, which revive() makes the request and reply queues of.
import '../queue/queue.js';
import { CONTROL, ENDED, REPLY_PART, SHUT_DOWN, type ManagerAddress, type Reply, type Request } from './manager-address.js';
import { createManaged, type Managed, type ManagedKind } from './manager-objects.js';
import { Assembler, toParts } from './manager-wire.js';

/** How long the manager waits for its answer to shutdown() to be taken in, at most (ms). */
const LAST_REPLY_MS = 5000;
/** How long the idle manager blocks before it looks at its event loop (seconds). */
const IDLE_SLICE_SECONDS = 0.2;

class ManagerServer {
  readonly #objects = new Map<number, Managed>();
  #nextObject = 1;
  readonly #replies = new Map<number, Queue<Buffer>>();
  readonly #registering = new Map<number, (queue: Queue<Buffer>) => void>();
  readonly #channel: BroadcastChannel;

  constructor(channel: string) {
    this.#channel = new BroadcastChannel(channel);
    // Each calling thread announces its reply queue here before its first request.
    this.#channel.onmessage = (event) => {
      const { caller, reply } = (event as { data: unknown }).data as { caller: number; reply: SharedForm };
      const queue = revive(reply) as Queue<Buffer>;
      this.#replies.set(caller, queue);
      this.#registering.get(caller)?.(queue);
      this.#registering.delete(caller);
    };
  }

  /** The caller's reply queue; its announcement may still be on its way. */
  replyQueue(caller: number): Queue<Buffer> | Promise<Queue<Buffer>> {
    return this.#replies.get(caller) ?? new Promise((resolve) => this.#registering.set(caller, resolve));
  }

  run(request: Request): unknown {
    if (request.t === 0) {
      if (request.o !== 'create') throw new ManagerStateError(`a Manager has no operation '${request.o}'`);
      const id = this.#nextObject++;
      this.#objects.set(id, createManaged(request.a[0] as ManagedKind, request.a[1]));
      return id;
    }
    const object = this.#objects.get(request.t);
    if (!object) throw new ManagerStateError(`this Manager holds no object ${request.t}`);
    return object.call(request.o, request.a);
  }

  close(): void {
    this.#channel.close();
    this.#objects.clear();
  }
}

/**
 * The next request part. While no reply waits for room in a caller's queue,
 * the thread blocks in getSync (an Atomics.wait wakes in microseconds, a
 * Promise get through the event loop in tens of them), looking at its event
 * loop (reply-queue announcements) between slices; otherwise it waits with
 * the Promise form, so those replies go on.
 */
async function nextPart(requests: Queue<Buffer>, sending: () => boolean): Promise<Buffer> {
  for (;;) {
    if (sending()) return requests.get();
    try {
      return requests.getSync({ timeout: IDLE_SLICE_SECONDS });
    } catch (error) {
      if (!(error instanceof Empty)) throw error;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** A reply's parts, or an error reply when the value cannot be serialized. */
function replyParts(id: number, reply: Reply): Buffer[] {
  try {
    return toParts(0, id, reply, REPLY_PART);
  } catch (error) {
    return toParts(0, id, { e: serializeError(error) }, REPLY_PART);
  }
}

/**
 * Puts a reply's parts in the caller's queue: at once when there is room
 * (the common case, which keeps the loop on its fast blocking path); the
 * rest, if any, waits for room without holding up the loop (a Promise).
 */
function send(queue: Queue<Buffer>, id: number, reply: Reply): Promise<void> | undefined {
  const parts = replyParts(id, reply);
  let at = 0;
  for (; at < parts.length; at++) {
    try {
      queue.putNowait(parts[at]);
    } catch (error) {
      if (!(error instanceof Full)) return undefined;
      break;
    }
  }
  if (at === parts.length) return undefined;
  return (async () => {
    for (; at < parts.length; at++) await queue.put(parts[at]);
  })();
}

/** Serves until shutdown() asks it to stop; then marks the manager shut down. */
export async function serveManager(address: ManagerAddress): Promise<void> {
  const requests = revive(address.requests) as Queue<Buffer>;
  const control = new Int32Array(address.control);
  const server = new ManagerServer(address.channel);
  Atomics.store(control, CONTROL.READY, 1);
  Atomics.notify(control, CONTROL.READY);
  const assembler = new Assembler();
  let sending = 0;
  let state: number = ENDED;
  try {
    for (;;) {
      const arrived = assembler.add(await nextPart(requests, () => sending > 0));
      if (!arrived) continue;
      const request = arrived.message as Request;
      const stop = request.t === 0 && request.o === 'shutdown';
      let reply: Reply;
      try {
        reply = { v: stop ? undefined : server.run(request) };
      } catch (error) {
        reply = { e: serializeError(error) };
      }
      const queue = await server.replyQueue(arrived.sender);
      const waiting = send(queue, arrived.id, reply);
      let sent: Promise<unknown> = Promise.resolve();
      if (waiting) {
        sending++;
        sent = waiting.catch(() => undefined).finally(() => sending--);
      }
      if (stop) {
        // The caller is waiting for this answer; one gone meanwhile must not keep the thread.
        await Promise.race([sent, new Promise((resolve) => setTimeout(resolve, LAST_REPLY_MS))]);
        state = SHUT_DOWN;
        return;
      }
    }
  } finally {
    server.close();
    Atomics.store(control, CONTROL.STATE, state);
    Atomics.notify(control, CONTROL.STATE);
  }
}
