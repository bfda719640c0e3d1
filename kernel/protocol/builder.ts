import { randomUUID } from 'node:crypto';
import type { Header, WireMessage } from '../wire/codec.js';
import { PROTOCOL_VERSION } from './messages.js';

/** Who the kernel says it is in every header it writes. */
export interface Identity {
  session: string;
  username: string;
}

/** The message an outgoing one answers or belongs to. */
export type Parent = Pick<WireMessage<object>, 'header' | 'idents'>;

export function newHeader(identity: Identity, msgType: string): Header {
  return {
    msg_id: randomUUID(),
    msg_type: msgType,
    session: identity.session,
    username: identity.username,
    date: new Date().toISOString(),
    version: PROTOCOL_VERSION,
  };
}

/**
 * The one way to build an outgoing message: a child of the request it answers
 * (or of the cell it belongs to), routed back to the same client identities.
 */
export function childOf<C extends object>(
  identity: Identity,
  parent: Parent | undefined,
  msgType: string,
  content: C,
  metadata: Record<string, unknown> = {},
): WireMessage<C> {
  return {
    idents: parent?.idents ?? [],
    header: newHeader(identity, msgType),
    parent_header: parent?.header ?? {},
    metadata,
    content,
    buffers: [],
  };
}
