/**
 * input() for a loom child process whose output goes to its hub (a child a
 * notebook cell started): the prompt travels to the hub as an INPUT frame,
 * the hub asks its host (childIoHooks.childInput), and this process's main thread
 * blocks until the INPUT_REPLY comes back. A host defines the `input` global
 * with it (the kernel's child preload); a plain script's children have none.
 */
import { deserialize } from 'node:v8';
import { deserializeError, type SerializedError } from '../internal/error-wire.js';
import { childChannel } from '../internal/hub/child-channel.js';
import { F } from '../internal/hub/protocol.js';
import { outputTagOfChild } from './process-output.js';

/** Asks for a line; returns it, or throws what the host answered (an interrupt, no frontend to ask). */
export function inputFromParent(prompt: string, password: boolean): string {
  const channel = childChannel();
  const tag = outputTagOfChild();
  if (channel === undefined || tag === undefined) {
    throw new Error('input() works in the main thread of a child process that a notebook cell started, not here');
  }
  const tagBytes = Buffer.from(tag, 'utf8');
  channel.write(F.INPUT, password ? 1 : 0, tagBytes.length, Buffer.concat([tagBytes, Buffer.from(prompt, 'utf8')]));
  const reply = channel.readWhere((frame) => frame.kind === F.INPUT_REPLY);
  if (reply.b === 0) return reply.body.toString('utf8');
  throw deserializeError(deserialize(reply.body) as SerializedError);
}
