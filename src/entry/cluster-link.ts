/**
 * The main of a cluster's link thread (internal/cluster/link.ts): the one
 * thread of a process that holds the cluster's Redis connections. It runs
 * ops as the caller's messages arrive and pushes job outcomes as they come,
 * so a calling thread that busy-loops or blocks still has its results taken
 * in, its leases' events read and Redis answered.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import type { Redis } from 'ioredis';
import { serializeError } from '../internal/error-wire.js';
import { Connection } from '../internal/cluster/connection.js';
import { JobTracker } from '../internal/cluster/job-tracker.js';
import type { Op, OpContext } from '../internal/cluster/link.js';
import type { LinkCommand, LinkInit, LinkMessage } from '../internal/cluster/link-protocol.js';
import { queueOps } from '../internal/cluster/queue-ops.js';

const init = (workerData as { loomLink: LinkInit }).loomLink;
const port: MessagePort = init.events;
const mail = new Int32Array(init.mail);
const connection = new Connection(init.url, init.connectTimeout);
const outbox: LinkMessage[] = [];

function post(message: LinkMessage): void {
  outbox.push(message);
  if (outbox.length === 1) queueMicrotask(flush);
}

function flush(): void {
  if (outbox.length === 0) return;
  port.postMessage(outbox.splice(0));
  Atomics.add(mail, 0, 1);
  Atomics.notify(mail, 0);
}

const tracker = new JobTracker(connection, init.url, init.prefix, init.lease, post);
const ops: Record<string, Op> = { ...tracker.ops(), ...queueOps };
const running = new Map<number, AbortController>();
/** Connections lent for blocking commands, closed with the link. */
const lent = new Set<Redis>();
const spare: Redis[] = [];

const baseContext = {
  redis: connection.redis,
  prefix: init.prefix,
  async blockingConnection(): Promise<Redis> {
    const redis = spare.pop() ?? connection.duplicate();
    lent.add(redis);
    if (redis.status === 'wait') await redis.connect();
    return redis;
  },
  release(redis: Redis): void {
    if (!lent.delete(redis)) return;
    if (redis.status === 'ready' && spare.length < 4) spare.push(redis);
    else redis.disconnect();
  },
};

async function run(id: number, name: string, args: unknown): Promise<void> {
  const op = Object.hasOwn(ops, name) ? ops[name] : undefined;
  const controller = new AbortController();
  running.set(id, controller);
  try {
    if (!op) throw new Error(`the cluster link has no op '${name}'`);
    await connection.ready();
    const context: OpContext = { ...baseContext, signal: controller.signal };
    const value = await op(context, args);
    post({ t: 'reply', id, ok: true, value });
  } catch (error) {
    post({ t: 'reply', id, ok: false, error: serializeError(error) });
  } finally {
    running.delete(id);
  }
}

async function close(): Promise<void> {
  for (const controller of running.values()) controller.abort();
  await tracker.close();
  for (const redis of [...lent, ...spare]) redis.disconnect();
  await connection.close();
  flush();
  port.close();
  process.exit(0);
}

port.on('message', (commands: LinkCommand[]) => {
  for (const command of commands) {
    if (command.t === 'call') void run(command.id, command.op, command.args);
    else if (command.t === 'abort') running.get(command.id)?.abort();
    else void close();
  }
});
