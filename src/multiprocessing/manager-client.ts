/**
 * A thread's side of a Manager: one client per manager per thread, made at
 * the thread's first call. It takes a caller id, makes the thread's reply
 * queue and announces it on the manager's BroadcastChannel; then each call
 * puts its request in the shared request queue and waits for the reply with
 * that call's id. `callSync` blocks the thread (Atomics.wait, through the
 * queue's getSync); `call` waits without blocking (the process hub serving
 * a child uses it). A wait looks every POLL_SECONDS whether the manager is
 * still there, so no call outlives it.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { Empty, Full, ManagerStateError } from '../errors.js';
import { deserializeError } from '../internal/error-wire.js';
import { revive, SHARE } from '../internal/share/registry.js';
import { Queue } from '../queue/queue.js';
import {
  BOOT_MS, CONTROL, ENDED, POLL_SECONDS, REPLY_RING, REQUEST_PART, RUNNING, SHUT_DOWN, type ManagerAddress, type Reply, type Request,
} from './manager-address.js';
import { Assembler, toParts } from './manager-wire.js';

/** The error for a call to a manager that is no longer there. */
export function stoppedError(state: number): ManagerStateError {
  return new ManagerStateError(
    state === SHUT_DOWN
      ? 'the Manager was shut down: its dict, list and Namespace proxies no longer work'
      : "the Manager's thread has ended (its process is exiting, or it was terminated): its proxies no longer work",
  );
}

function settle(reply: Reply): unknown {
  if (reply.e !== undefined) throw deserializeError(reply.e as Parameters<typeof deserializeError>[0]);
  return reply.v;
}

/** How long a Promise-form call looks for its reply before it waits on the event loop (ms). */
const SPIN_MS = 0.05;

export class ManagerClient {
  readonly #requests: Queue<Buffer>;
  readonly #control: Int32Array;
  readonly #caller: number;
  readonly #replies = new Queue<Buffer>({ byteCapacity: REPLY_RING });
  readonly #assembler = new Assembler();
  /** Replies that came while another call was waiting, by id. */
  readonly #arrived = new Map<number, Reply>();
  /** Calls made with `call`, waiting for their reply, by id. */
  readonly #waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  #pumping = false;

  constructor(address: ManagerAddress) {
    this.#requests = revive(address.requests) as Queue<Buffer>;
    this.#control = new Int32Array(address.control);
    this.#caller = Atomics.add(this.#control, CONTROL.NEXT_CALLER, 1) + 1;
    this.#waitReady();
    const channel = new BroadcastChannel(address.channel);
    channel.postMessage({ caller: this.#caller, reply: this.#replies[SHARE]() });
    channel.close();
  }

  /** Blocks until the manager's thread listens (it may still be booting: the first call right after Manager()). */
  #waitReady(): void {
    const deadline = performance.now() + BOOT_MS;
    while (Atomics.load(this.#control, CONTROL.READY) === 0) {
      this.#checkRunning();
      if (performance.now() > deadline) throw new ManagerStateError(`the Manager's thread did not start within ${BOOT_MS / 1000} s`);
      Atomics.wait(this.#control, CONTROL.READY, 0, POLL_SECONDS * 1000);
    }
  }

  get state(): number {
    return Atomics.load(this.#control, CONTROL.STATE);
  }

  #checkRunning(): void {
    const state = this.state;
    if (state !== RUNNING) throw stoppedError(state);
  }

  #request(target: number, op: string, args: unknown[]): { id: number; parts: Buffer[] } {
    this.#checkRunning();
    const id = this.#nextId++;
    const request: Request = { t: target, o: op, a: args };
    return { id, parts: toParts(this.#caller, id, request, REQUEST_PART) };
  }

  /** Takes in one part of a reply; a whole reply goes to its waiting call, or is kept for it. */
  #take(part: Buffer): void {
    const whole = this.#assembler.add(part);
    if (!whole) return;
    const waiter = this.#waiting.get(whole.id);
    if (waiter) {
      this.#waiting.delete(whole.id);
      waiter.resolve(whole.message as Reply);
    } else {
      this.#arrived.set(whole.id, whole.message as Reply);
    }
  }

  /** Once the manager is gone: takes in what it answered before it went. */
  #drain(): void {
    for (;;) {
      let part: Buffer;
      try {
        part = this.#replies.getNowait();
      } catch {
        break;
      }
      this.#take(part);
    }
  }

  /** Runs `op` on object `target` in the manager, blocking this thread until the reply. */
  callSync(target: number, op: string, args: unknown[]): unknown {
    const { id, parts } = this.#request(target, op, args);
    for (const part of parts) {
      for (;;) {
        try {
          this.#requests.putSync(part, { timeout: POLL_SECONDS });
          break;
        } catch (error) {
          if (!(error instanceof Full)) throw error;
          this.#checkRunning();
        }
      }
    }
    for (;;) {
      const reply = this.#arrived.get(id);
      if (reply) {
        this.#arrived.delete(id);
        return settle(reply);
      }
      try {
        this.#take(this.#replies.getSync({ timeout: POLL_SECONDS }));
      } catch (error) {
        if (!(error instanceof Empty)) throw error;
        if (this.state !== RUNNING) {
          this.#drain();
          if (!this.#arrived.has(id)) throw stoppedError(this.state);
        }
      }
    }
  }

  /** Runs `op` on object `target` in the manager; the Promise settles with the reply. */
  async call(target: number, op: string, args: unknown[]): Promise<unknown> {
    const { id, parts } = this.#request(target, op, args);
    for (const part of parts) {
      for (;;) {
        try {
          await this.#requests.put(part, { timeout: POLL_SECONDS });
          break;
        } catch (error) {
          if (!(error instanceof Full)) throw error;
          this.#checkRunning();
        }
      }
    }
    const quick = this.#spinFor(id);
    if (quick) return settle(quick);
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      void this.#pump();
    });
    return settle(reply);
  }

  /**
   * Looks for the reply of call `id` for up to SPIN_MS without sleeping: a
   * manager answers most operations in tens of microseconds, and a wake-up
   * through the event loop (Atomics.waitAsync) costs more than that. Short,
   * so the hub's other work is not held up.
   */
  #spinFor(id: number): Reply | undefined {
    const deadline = performance.now() + SPIN_MS;
    do {
      let part: Buffer;
      try {
        part = this.#replies.getNowait();
      } catch {
        continue;
      }
      this.#take(part);
      const reply = this.#arrived.get(id);
      if (reply) {
        this.#arrived.delete(id);
        return reply;
      }
    } while (performance.now() < deadline);
    return undefined;
  }

  /** Reads the reply queue while `call`s wait. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#waiting.size > 0) {
        try {
          this.#take(await this.#replies.get({ timeout: POLL_SECONDS }));
        } catch (error) {
          if (!(error instanceof Empty) || this.state === RUNNING) continue;
          this.#drain();
          for (const [id, waiter] of this.#waiting) {
            this.#waiting.delete(id);
            waiter.reject(stoppedError(this.state));
          }
        }
      }
    } finally {
      this.#pumping = false;
    }
  }
}

const clients = new Map<number, ManagerClient>();

/** This thread's client of the manager at `address`. */
export function clientOf(address: ManagerAddress): ManagerClient {
  let client = clients.get(address.id);
  if (!client) {
    client = new ManagerClient(address);
    clients.set(address.id, client);
  }
  return client;
}

/** Marks the manager ended when its thread is gone without a shutdown (first state change wins). */
export function markEnded(control: SharedArrayBuffer): void {
  const cells = new Int32Array(control);
  Atomics.compareExchange(cells, CONTROL.STATE, RUNNING, ENDED);
}

/** Marks the manager shut down, once it has answered shutdown(). */
export function markShutDown(control: SharedArrayBuffer): void {
  const cells = new Int32Array(control);
  Atomics.compareExchange(cells, CONTROL.STATE, RUNNING, SHUT_DOWN);
}
