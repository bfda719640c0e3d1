import { Message } from 'jmp';
import type { ReplayGuard } from './replay-guard.js';
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

/** The four JSON parts after the signature, in wire order. */
const PARTS = ['header', 'parent_header', 'metadata', 'content'] as const;

/**
 * Frames -> message. The signature is checked first, in constant time, before
 * any JSON is parsed. With `replays`, a signature seen before is refused (the
 * kernel passes one; a client need not). Each part must be a JSON object, as
 * every Jupyter client sends it: jmp's decoder would turn `null` (or `0`) into
 * `{}`, so it is not used here. A reason is one short line: it goes to the log.
 */
export function decode(frames: Buffer[], signer: Signer, replays?: ReplayGuard): Decoded {
  const at = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (at < 0) return { ok: false, reason: 'missing delimiter' };
  if (frames.length - at < 6) return { ok: false, reason: `expected 5 frames after the delimiter, got ${frames.length - at - 1}` };
  const [signature, ...parts] = frames.slice(at + 1, at + 6);
  if (!signer.verify(signature, parts)) return { ok: false, reason: 'bad signature' };
  if (signer.enabled && replays && !replays.firstSight(signature)) return { ok: false, reason: 'replayed: this signature was seen before' };
  const objects: Record<string, unknown>[] = [];
  for (const [index, name] of PARTS.entries()) {
    const parsed = parseObject(parts[index]);
    if (typeof parsed === 'string') return { ok: false, reason: `${name}: ${parsed}` };
    objects.push(parsed);
  }
  const [header, parent_header, metadata, content] = objects;
  const problem = checkHeader(header);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, message: { idents: frames.slice(0, at), header: header as unknown as Header, parent_header, metadata, content, buffers: frames.slice(at + 6) } };
}

/** The JSON object in a frame, or what is wrong with it. */
function parseObject(frame: Buffer): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString('utf8'));
  } catch (error) {
    // V8 quotes the start of the bad text in its message, newlines and all.
    return `bad JSON: ${oneLine((error as Error).message)}`;
  }
  if (isObject(value)) return value;
  return `not a JSON object: ${oneLine(JSON.stringify(value), 40)}`;
}

function checkHeader(header: Record<string, unknown>): string | undefined {
  if (typeof header.msg_id !== 'string') return 'header.msg_id is not a string';
  if (typeof header.msg_type !== 'string') return 'header.msg_type is not a string';
  if (header.session !== undefined && typeof header.session !== 'string') return 'header.session is not a string';
  return undefined;
}

/** Text from outside, safe for one log line: control characters escaped, at most 200 characters. */
export function oneLine(text: string, max = 200): string {
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}...` : escaped;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Message -> frames, signed with the connection's key by jmp's Message. */
export function encode(message: WireMessage<object>, signer: Signer): Array<string | Buffer> {
  return new Message(message)._encode(signer.algorithm, signer.key);
}
