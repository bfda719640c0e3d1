import { Message } from 'jmp';
import type { Signer } from './signer.js';

/** The protocol header every message carries. */
export interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

/** A Jupyter message as it travels: routing identities, four JSON parts, raw buffers. */
export interface WireMessage<Content = Record<string, unknown>> {
  idents: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: Content;
  buffers: Buffer[];
}

export type Decoded = { ok: true; message: WireMessage } | { ok: false; reason: string };

const DELIMITER = Buffer.from('<IDS|MSG>');

/**
 * Frames -> message. The signature is checked here, in constant time, before
 * any JSON is parsed; jmp's Message then parses the parts (its own signature
 * check compares with `!==`, so it is given no key).
 */
export function decode(frames: Buffer[], signer: Signer): Decoded {
  const at = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (at < 0) return { ok: false, reason: 'missing delimiter' };
  if (frames.length - at < 6) return { ok: false, reason: `expected 5 frames after the delimiter, got ${frames.length - at - 1}` };
  const [signature, ...parts] = frames.slice(at + 1, at + 6);
  if (!signer.verify(signature, parts)) return { ok: false, reason: 'bad signature' };
  let parsed: Message | null;
  try {
    parsed = Message._decode(frames, signer.algorithm, '');
  } catch (error) {
    return { ok: false, reason: `bad JSON: ${(error as Error).message}` };
  }
  if (parsed === null) return { ok: false, reason: 'undecodable frames' };
  const problem = checkShape(parsed);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, message: parsed as unknown as WireMessage };
}

function checkShape(message: Message): string | undefined {
  const { header, content, parent_header, metadata } = message;
  if (!isObject(header)) return 'header is not an object';
  if (typeof header.msg_id !== 'string') return 'header.msg_id is not a string';
  if (typeof header.msg_type !== 'string') return 'header.msg_type is not a string';
  if (header.session !== undefined && typeof header.session !== 'string') return 'header.session is not a string';
  if (!isObject(content)) return 'content is not an object';
  if (!isObject(parent_header)) return 'parent_header is not an object';
  if (!isObject(metadata)) return 'metadata is not an object';
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Message -> frames, signed with the connection's key by jmp's Message. */
export function encode(message: WireMessage<object>, signer: Signer): Array<string | Buffer> {
  return new Message(message)._encode(signer.algorithm, signer.key);
}
