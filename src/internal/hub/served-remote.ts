/**
 * A served object (share/served.ts) as a child process reaches it: each
 * operation is an OBJ_OP frame to the parent's hub, which runs it on the
 * object (hub/served-service.ts); an answered one blocks the child's main
 * thread until the OBJ_REPLY comes (as a remote queue does). Calls go on the
 * same channel as queue operations, so a child's frames stay in order.
 */
import { deserialize, serialize } from 'node:v8';
import { deserializeError, type SerializedError } from '../error-wire.js';
import type { RemoteObjectForm } from '../share/served.js';
import { nextRequestId, requireChildChannel } from './child-channel.js';
import { frame, type SyncChannel } from './frames.js';
import { F } from './protocol.js';

function channel(): SyncChannel {
  return requireChildChannel('an object from another process (a Lock, Event, Value...)', 'object');
}

function body(form: RemoteObjectForm, op: string, args: unknown[]): Buffer {
  const payload = serialize([op, args]);
  const out = Buffer.allocUnsafe(4 + payload.length);
  out.writeUInt32LE(form.object, 0);
  out.set(payload, 4);
  return out;
}

/**
 * Runs `op` on the object in the process that made it, blocking this
 * thread for the answer: returns the op's value, or throws its error (the
 * same class, when loom knows it).
 */
export function callServed(form: RemoteObjectForm, op: string, args: unknown[]): unknown {
  const fd3 = channel();
  const request = nextRequestId();
  fd3.write(F.OBJ_OP, request, 0, body(form, op, args));
  const answer = fd3.readWhere((received) => received.kind === F.OBJ_REPLY && received.a === request);
  const value: unknown = deserialize(answer.body);
  if (answer.b === 0) return value;
  throw deserializeError(value as SerializedError);
}

/** Runs `op` on the object without waiting for it (release, set...): it is written after what went before. */
export function postServed(form: RemoteObjectForm, op: string, args: unknown[]): void {
  channel().post(frame(F.OBJ_OP, 0, 0, body(form, op, args)));
}
