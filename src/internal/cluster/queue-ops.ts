/**
 * The ops behind a cluster's queues (see link.ts), run in the link thread:
 * queue.put, queue.get, queue.size, queue.taskDone and queue.join. Items
 * arrive already serialized (v8, by the caller) and leave as bytes. Each
 * waiting op loops: a Lua script tries (queue-scripts.ts), and when it cannot
 * go on yet, a blocking command waits one slice (queue-blocking.ts) for
 * what would let it: an item (BLPOP/BLMOVE on the list itself), room (the
 * space stream a getter writes to) or the last taskDone (the joined stream).
 */
import { ArgumentValueError, Empty, Full } from '../../errors.js';
import type { Op, OpContext } from './link.js';
import { abortReason, Blocking, REAP_GRACE_MS, remaining, sliceMs } from './queue-blocking.js';
import { consumerOf } from './queue-consumer.js';
import { queueKeys, type QueueKeys, type QueueKind } from './queue-keys.js';
import { scripts } from './queue-scripts.js';

/** What every queue op is given: which queue, and the kind and maxsize its caller made it with (null: take the stored one). */
export interface QueueArgs {
  name: string;
  kind: QueueKind;
  maxsize: number | null;
}

/** How long a put or get may wait: 0 not at all, null forever. */
export interface WaitArgs {
  timeoutMs: number | null;
}

export interface PutArgs extends QueueArgs, WaitArgs {
  /** The item, v8-serialized by the caller. */
  item: Uint8Array;
}

export interface GetArgs extends QueueArgs, WaitArgs {
  /** A JoinableQueue consumer's lease: its items go back to the queue this long after it stops renewing. */
  leaseMs: number;
}

/** The answer of queue.size. */
export interface QueueSize {
  size: number;
  maxsize: number;
}

/** A reply's first element: what the script did. */
const tagOf = (reply: unknown): string => String((reply as unknown[])[0]);

function conflictError(args: QueueArgs, reply: unknown[]): ArgumentValueError {
  const [, kind, maxsize] = reply.map(String);
  const stored = maxsize === 'none' ? `a ${kind}` : `a ${kind} with maxsize ${maxsize}`;
  const asked = args.maxsize === null ? `a ${args.kind}` : `a ${args.kind} with maxsize ${args.maxsize}`;
  return new ArgumentValueError(
    `the cluster queue '${args.name}' is ${stored}; this call made it as ${asked}. ` +
      'The first caller stores the kind and maxsize with the queue: use the same ones, or omit maxsize to take the stored one',
  );
}

/** The reply, unless it says the queue was made otherwise. */
function checked(args: QueueArgs, reply: unknown): unknown[] {
  if (tagOf(reply) === 'conflict') throw conflictError(args, reply as unknown[]);
  return reply as unknown[];
}

const deadlineOf = (args: WaitArgs): number => (args.timeoutMs === null ? Infinity : Date.now() + args.timeoutMs);
const maxsizeArg = (args: QueueArgs): string => (args.maxsize === null ? '' : String(args.maxsize));
const bytesOf = (item: Uint8Array): Buffer => Buffer.from(item.buffer, item.byteOffset, item.byteLength);

function throwIfAborted(context: OpContext): void {
  if (context.signal.aborted) throw abortReason(context.signal);
}

/** Puts the item at the tail; while the queue is full, waits for a getter's wake (or a slice) and tries again. */
async function put(context: OpContext, args: PutArgs): Promise<void> {
  const keys = queueKeys(context.prefix, args.name);
  const item = bytesOf(args.item);
  const deadline = deadlineOf(args);
  const blocking = new Blocking(context);
  try {
    for (;;) {
      throwIfAborted(context);
      const reply = checked(args, await scripts.put.run(context.redis, [keys.meta, keys.items, keys.space], [args.kind, maxsizeArg(args), item]));
      if (tagOf(reply) === 'ok') return;
      if (remaining(deadline) === 0) throw new Full();
      const since = String(reply[1]);
      await blocking.slice((connection) => connection.xread('BLOCK', sliceMs(deadline), 'STREAMS', keys.space, since));
    }
  } finally {
    await blocking.close();
  }
}

/** One slice of a blocking take: the item (moved to this consumer's pending list for a JoinableQueue), or null. */
function blockingTake(blocking: Blocking, keys: QueueKeys, args: GetArgs, consumer: string | undefined, deadline: number): Promise<Buffer | null> {
  const seconds = (sliceMs(deadline) / 1000).toFixed(3);
  return blocking.slice(async (connection) => {
    if (consumer !== undefined) return connection.blmoveBuffer(keys.items, keys.pending(consumer), 'LEFT', 'RIGHT', seconds);
    const popped = await connection.blpopBuffer(keys.items, seconds);
    return popped ? popped[1] : null;
  });
}

/** Takes the item at the head; while the queue is empty, blocks on the list itself, a slice at a time. */
async function get(context: OpContext, args: GetArgs): Promise<Buffer> {
  const keys = queueKeys(context.prefix, args.name);
  const deadline = deadlineOf(args);
  const joinable = args.kind === 'JoinableQueue';
  const consumer = joinable ? consumerOf(context.redis) : undefined;
  consumer?.enter(keys, args.leaseMs);
  const blocking = new Blocking(context);
  try {
    for (;;) {
      throwIfAborted(context);
      const reply = checked(args, await scripts.get.run(
        context.redis,
        [keys.meta, keys.items, keys.space, keys.consumers, keys.pending(consumer?.id ?? '')],
        [args.kind, maxsizeArg(args), keys.base, consumer?.id ?? '', args.leaseMs, REAP_GRACE_MS],
      ));
      let item: Buffer | null = tagOf(reply) === 'item' ? (reply[1] as Buffer) : null;
      if (item === null) {
        if (remaining(deadline) === 0) throw new Empty();
        item = await blockingTake(blocking, keys, args, consumer?.id, deadline);
        if (item === null) continue;
        if (Number(reply[1]) > 0) await context.redis.xadd(keys.space, 'MAXLEN', '1', '*', 'w', '1'); // room now: wake blocked putters
        if (consumer) await consumer.renewNow(keys, args.leaseMs);
      }
      if (context.signal.aborted) {
        // Taken after the caller gave up: back to the head, where it was.
        await scripts.putBack.run(context.redis, [keys.items, keys.pending(consumer?.id ?? '')], [args.kind, item]);
        throw abortReason(context.signal);
      }
      return item;
    }
  } finally {
    consumer?.leave(keys);
    await blocking.close();
  }
}

/** The number of items in the queue now, and its stored maxsize (0: no bound). */
async function size(context: OpContext, args: QueueArgs): Promise<QueueSize> {
  const keys = queueKeys(context.prefix, args.name);
  const reply = checked(args, await scripts.size.run(context.redis, [keys.meta, keys.items], [args.kind, maxsizeArg(args)]));
  return { size: Number(reply[1]), maxsize: Number(reply[2]) };
}

/** Marks the oldest item this consumer holds done; wakes the joiners when it was the last unfinished one. */
async function taskDone(context: OpContext, args: QueueArgs & { leaseMs: number }): Promise<void> {
  const keys = queueKeys(context.prefix, args.name);
  const consumer = consumerOf(context.redis).id;
  const reply = checked(args, await scripts.taskDone.run(
    context.redis, [keys.meta, keys.pending(consumer), keys.lost(consumer), keys.joined, keys.consumers], [args.kind, maxsizeArg(args), keys.base],
  ));
  const tag = tagOf(reply);
  if (tag === 'too-many') throw new ArgumentValueError('taskDone() called too many times');
  if (tag === 'lost') {
    throw new ArgumentValueError(
      `taskDone() refused: this process did not renew its lease on the cluster queue '${args.name}' for ${args.leaseMs / 1000} s ` +
        '(frozen, or cut off from Redis), so the item it got was given back to the queue and goes to another consumer',
    );
  }
}

/** Waits until no item is unfinished: re-checks at every write to the joined stream, and every slice. */
async function join(context: OpContext, args: QueueArgs): Promise<void> {
  const keys = queueKeys(context.prefix, args.name);
  const blocking = new Blocking(context);
  try {
    for (;;) {
      throwIfAborted(context);
      const reply = checked(args, await scripts.join.run(context.redis, [keys.meta, keys.joined], [args.kind, maxsizeArg(args)]));
      if (tagOf(reply) === 'done') return;
      const since = String(reply[1]);
      await blocking.slice((connection) => connection.xread('BLOCK', sliceMs(Infinity), 'STREAMS', keys.joined, since));
    }
  } finally {
    await blocking.close();
  }
}

export const queueOps: Record<string, Op> = {
  'queue.put': put,
  'queue.get': get,
  'queue.size': size,
  'queue.taskDone': taskDone,
  'queue.join': join,
};
