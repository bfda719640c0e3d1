/**
 * The job wire: what a cluster job carries, both sides. A task (the FnSpec as
 * shipped to local processes, cell declarations included, its kind and its
 * items) is one v8-serialized payload, base64 in the job's data; with a
 * secret, the job also carries HMAC-SHA256 over that payload, and a worker
 * runs no job whose signature it cannot check. The sender's V8 major travels
 * too: v8.serialize's format is V8's, and a worker of another V8 refuses.
 * A result is one v8 payload (base64, BullMQ's returnvalue); a task's error is
 * the worker's failure reason, ERROR_MARK and a v8 SerializedError (base64).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { types } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { MessagePort } from 'node:worker_threads';
import { NotShippableError } from '../../errors.js';
import { deserializeError, serializeError, type SerializedError } from '../error-wire.js';
import type { TaskKind } from '../pool/engine.js';
import { decode, encode, MARK } from '../share/encode.js';
import { isShareable, SHARE } from '../share/registry.js';
import { REMOTE_KINDS } from './remote-kinds.js';
import type { FnSpec, ShippedCode } from '../ship/shipped.js';

/** A job's data, as BullMQ stores it (JSON). */
export interface JobData {
  /** Wire version. */
  v: 1;
  /** The sender's V8 major (process.versions.v8). */
  v8: number;
  /** base64 of v8.serialize(TaskPayload). */
  payload: string;
  /** hex HMAC-SHA256 of `payload` with the cluster's secret; absent without one. */
  sig?: string;
}

export interface TaskPayload {
  fn: FnSpec;
  kind: TaskKind;
  /** Encoded for a process (functions as shipped code). */
  items: unknown[];
  /** The output tag the task was submitted with ('' for none): shown by the worker with the task's output. */
  tag: string;
}

/** The reason a worker fails a job with when the task threw: this, then base64 of a v8 SerializedError. */
export const ERROR_MARK = 'loom-error:';

export function v8Major(): number {
  return Number(process.versions.v8.split('.')[0]);
}

export function sign(payload: string, secret: string | Buffer): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** Whether `data` carries a valid signature of its payload under `secret` (constant time). */
export function signatureValid(data: JobData, secret: string | Buffer): boolean {
  if (typeof data.sig !== 'string' || typeof data.payload !== 'string') return false;
  const expected = Buffer.from(sign(data.payload, secret), 'hex');
  const given = Buffer.from(data.sig, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const REMOTE_ADVICE = 'A remote worker gets copies of values only: pass data, and use the cluster\'s queues (c.Queue) to talk across machines.';

/** Refuses what lives only in this process (a Lock, Value, Queue, Event, MessagePort, shared memory), naming where it was found. */
function refuseLocal(value: unknown, path: string, seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (isShareable(value)) {
    if (REMOTE_KINDS.has(value[SHARE]('process').kind)) return; // a cluster queue: it lives in Redis
    const kind = String(value[SHARE]('thread').kind).replace(/^mp\./, '');
    throw new NotShippableError(`${path} is a ${kind}, which lives in this process and cannot reach a remote worker. ${REMOTE_ADVICE}`);
  }
  if (types.isSharedArrayBuffer(value) || (ArrayBuffer.isView(value) && types.isSharedArrayBuffer(value.buffer))) {
    throw new NotShippableError(`${path} is shared memory (a SharedArrayBuffer), which cannot reach a remote worker. ${REMOTE_ADVICE}`);
  }
  if (value instanceof MessagePort) throw new NotShippableError(`${path} is a MessagePort, which cannot reach a remote worker. ${REMOTE_ADVICE}`);
  if (ArrayBuffer.isView(value) || types.isAnyArrayBuffer(value) || value instanceof Date || value instanceof RegExp || value instanceof Error) return;
  if (value instanceof Map) {
    for (const [k, v] of value) {
      refuseLocal(k, `${path} key`, seen);
      refuseLocal(v, `${path}.get(${String(k)})`, seen);
    }
    return;
  }
  if (value instanceof Set) {
    for (const v of value) refuseLocal(v, `${path} item`, seen);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => refuseLocal(item, `${path}[${i}]`, seen));
    return;
  }
  for (const key of Object.keys(value)) refuseLocal((value as Record<string, unknown>)[key], `${path}.${key}`, seen);
}

/** Refuses markers of shared objects in shipped code's values (a function that captured a Lock), naming the variable. */
function refuseLocalMarkers(value: unknown, path: string, seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  const kind = (value as Record<string, unknown>)[MARK];
  if (typeof kind === 'string') {
    if (kind === 'Function') return refuseInCode((value as { data: ShippedCode }).data, path, seen);
    if (REMOTE_KINDS.has(kind)) return;
    throw new NotShippableError(`${path} is a ${kind.replace(/^mp\./, '')}, which lives in this process and cannot reach a remote worker. ${REMOTE_ADVICE}`);
  }
  const entries = value instanceof Map ? [...value.entries()] : Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  for (const [key, item] of entries) refuseLocalMarkers(item, typeof key === 'number' ? `${path}[${key}]` : `${path}.${String(key)}`, seen);
}

function refuseInCode(code: ShippedCode, of: string, seen: Set<object>): void {
  for (const [name, item] of Object.entries(code.values ?? {})) refuseLocalMarkers(item, `${name} (used by ${of})`, seen);
}

/**
 * The job for a task, or NotShippableError naming what cannot live remotely.
 * `items` are the pool's raw values.
 */
export function makeJob(fn: FnSpec, kind: TaskKind, items: unknown[], tag: string, secret: string | Buffer | undefined): JobData {
  if ('code' in fn) refuseInCode(fn.code, fn.code.name || 'the function', new Set());
  refuseLocal(items, 'args', new Set());
  const encoded = encode(items, 'args', undefined, 'process') as unknown[];
  refuseLocalMarkers(encoded, 'args', new Set());
  const task: TaskPayload = { fn, kind, items: encoded, tag };
  let payload: string;
  try {
    payload = serialize(task).toString('base64');
  } catch (error) {
    throw new NotShippableError(`the task's arguments cannot be sent to a remote worker: ${(error as Error).message}. ${REMOTE_ADVICE}`);
  }
  const data: JobData = { v: 1, v8: v8Major(), payload };
  if (secret !== undefined) data.sig = sign(payload, secret);
  return data;
}

export function readPayload(data: JobData): TaskPayload {
  return deserialize(Buffer.from(data.payload, 'base64')) as TaskPayload;
}

/** A task's result as the worker returns it. */
export function writeResult(value: unknown): string {
  return serialize(encode(value, 'the result', undefined, 'process')).toString('base64');
}

export function readResult(body: string): unknown {
  return decode(deserialize(Buffer.from(body, 'base64')));
}

/** A task's error as the worker fails the job with it. */
export function writeError(error: unknown): string {
  return ERROR_MARK + serialize(serializeError(error)).toString('base64');
}

export function writeSerializedError(error: SerializedError): string {
  return ERROR_MARK + serialize(error).toString('base64');
}

/** The error a job failed with, rebuilt, or undefined when the reason is not one of loom's (BullMQ's own: a stalled job...). */
export function readError(reason: string): unknown {
  if (!reason.startsWith(ERROR_MARK)) return undefined;
  return deserializeError(deserialize(Buffer.from(reason.slice(ERROR_MARK.length), 'base64')) as SerializedError);
}
