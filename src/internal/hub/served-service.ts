/**
 * The hub's side of served objects (share/served.ts): a Lock, an Event, a
 * Value... made in the process that owns this hub and sent to its children.
 * The hub revives each one over the same shared memory and runs the
 * children's operations on it with [SERVE]. An operation that waits (an
 * acquire) is awaited, so it never holds up other children, the pools or the
 * queues; the operations of one child run one after another, in the order
 * sent.
 *
 * When a child exits, its waiting operations stop (share/served-wait.ts) and
 * their answers are dropped. What it holds stays held, as in Python (a
 * multiprocessing.Lock held by a process that dies stays locked), but an
 * operation that completes after the child is gone is undone (ABANDON_OP),
 * so nothing is taken by a process that is no longer there.
 */
import { deserialize, serialize } from 'node:v8';
import { NotShippableError } from '../../errors.js';
import { serializeError } from '../error-wire.js';
import { CHILD_OWNER_BASE } from '../owner-id.js';
import { revive, type SharedForm } from '../share/registry.js';
import { SERVE, type Caller, type Served } from '../share/served.js';
import { ABANDON_OP, CallerGone, markCallerGone } from '../share/served-wait.js';
import type { Child } from './child.js';
import type { Frame } from './frames.js';
import { F } from './protocol.js';


interface Requester {
  caller: Caller;
  gone: boolean;
  /** The last operation of this child, which the next one runs after. */
  tail: Promise<void>;
  /** Operations of this child not finished yet. */
  pending: number;
}

function isServed(value: unknown): value is Served {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Served>)[SERVE] === 'function';
}

export class ServedService {
  readonly #forms = new Map<number, SharedForm>();
  readonly #objects = new Map<number, Served>();
  readonly #requesters = new Map<Child, Requester>();

  /** The thread form of object `id`: revived here when a child first uses it. */
  serve(id: number, form: SharedForm): void {
    if (!this.#forms.has(id)) this.#forms.set(id, form);
  }

  /** A child is gone: its waiting operations stop, the answers of the others are dropped. */
  forget(child: Child): void {
    const requester = this.#requesters.get(child);
    if (!requester) return;
    requester.gone = true;
    markCallerGone(requester.caller);
    this.#requesters.delete(child);
  }

  #requester(child: Child): Requester {
    let requester = this.#requesters.get(child);
    if (!requester) {
      requester = { caller: { pid: child.pid, owner: CHILD_OWNER_BASE + child.pid }, gone: false, tail: Promise.resolve(), pending: 0 };
      this.#requesters.set(child, requester);
    }
    return requester;
  }

  #object(id: number): Served {
    const existing = this.#objects.get(id);
    if (existing) return existing;
    const form = this.#forms.get(id);
    if (!form) throw new NotShippableError(`object ${id} is not served here: an object reaches the processes started by the process that made it`);
    const object = revive(form);
    if (!isServed(object)) throw new NotShippableError(`a ${form.kind} cannot be used from another process`);
    this.#objects.set(id, object);
    return object;
  }

  /**
   * An OBJ_OP frame of `child`: runs after the child's earlier operations;
   * at once when none is unfinished, so a release or a set takes effect
   * before the queue operations that follow it in the child's frames.
   */
  handle(child: Child, received: Frame): void {
    const requester = this.#requester(child);
    const run = (): Promise<void> => this.#run(child, requester, received).finally(() => requester.pending--);
    requester.tail = requester.pending++ === 0 ? run() : requester.tail.then(run);
  }

  async #run(child: Child, requester: Requester, received: Frame): Promise<void> {
    if (requester.gone) return;
    const request = received.a;
    let object: Served;
    let op: string;
    let args: unknown[];
    try {
      object = this.#object(received.body.readUInt32LE(0));
      [op, args] = deserialize(received.body.subarray(4)) as [string, unknown[]];
    } catch (error) {
      if (request !== 0) child.send(F.OBJ_REPLY, request, 1, serialize(serializeError(error)));
      return;
    }
    let value: unknown;
    try {
      value = await object[SERVE](op, args, requester.caller);
    } catch (error) {
      if (error instanceof CallerGone || requester.gone) return;
      if (request !== 0) child.send(F.OBJ_REPLY, request, 1, serialize(serializeError(error)));
      return;
    }
    if (requester.gone) return this.#abandon(object, op, value, requester.caller);
    if (request === 0) return;
    let answer: Buffer;
    try {
      answer = serialize(value);
    } catch (error) {
      return child.send(F.OBJ_REPLY, request, 1, serialize(serializeError(error)));
    }
    child.send(F.OBJ_REPLY, request, 0, answer);
  }

  /** An operation finished after its child had gone: the object undoes what it took. */
  async #abandon(object: Served, op: string, value: unknown, caller: Caller): Promise<void> {
    try {
      await object[SERVE](ABANDON_OP, [op, value], caller);
    } catch {
      // A class with nothing to undo for this op.
    }
  }
}
