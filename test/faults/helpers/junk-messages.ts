/**
 * fast-check arbitraries for messages a kernel must refuse: what a buggy or
 * hostile client could put on shell, control and stdin. Each one says what the
 * kernel must do with it (its `fate`), so a test can count the kernel's log.
 *
 * Every message that is unsigned or signed wrongly is an execute_request whose
 * code would leave a trace (a file, a global) if it ever ran.
 */
import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Signer } from '../../../kernel/wire/signer.js';

export type JunkChannel = 'shell' | 'control' | 'stdin';

/**
 * dropped: refused by the wire layer, logged once as "dropped a message";
 * unknown: well signed and well formed but of a type nobody handles, logged once;
 * bad-request: a known request with content of the wrong type, answered with an error, not logged.
 */
export type Fate = 'dropped' | 'unknown' | 'bad-request';

/**
 * One message, as a recipe: its frames are built against the kernel it is sent
 * to (its key, what it accepted), so a batch can be replayed against a fresh
 * kernel while fast-check shrinks it.
 */
export interface Junk {
  kind: string;
  channel: JunkChannel;
  fate: Fate;
  /** What a DEALER sends: the kernel's ROUTER adds the routing id in front. */
  build(context: JunkContext): Buffer[];
}

export interface JunkContext {
  signer: Signer;
  /** Code that leaves a trace (named by id) if it runs. */
  forbiddenCode(id: string): string;
  /** Frames of a message the kernel has already accepted once. */
  accepted: Buffer[];
}

const DELIMITER = '<IDS|MSG>';
const REQUESTS = ['kernel_info_request', 'execute_request', 'complete_request', 'inspect_request', 'is_complete_request', 'history_request', 'comm_info_request', 'comm_open', 'comm_msg', 'comm_close', 'shutdown_request', 'interrupt_request'];
/** Names an object lookup could find on Object.prototype. */
const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty', 'isPrototypeOf', 'toLocaleString', '__defineGetter__', 'propertyIsEnumerable'];

type Parts = [header: string, parent: string, metadata: string, content: string];

function header(msgType: string, msgId: string): Record<string, unknown> {
  return { msg_id: msgId, msg_type: msgType, session: 'fuzz', username: 'fuzz', date: '2026-01-01T00:00:00.000Z', version: '5.4' };
}

function parts(head: unknown, content: unknown): Parts {
  return [JSON.stringify(head), '{}', '{}', JSON.stringify(content)];
}

/** [delimiter, signature, four parts] with the right signature for the parts. */
function signed(signer: Signer, [h, p, m, c]: Array<string | Buffer>): Buffer[] {
  return frames(signer.sign([h, p, m, c].map(toBuffer)), [h, p, m, c]);
}

function frames(signature: string | Buffer, four: Array<string | Buffer>): Buffer[] {
  return [DELIMITER, signature, ...four].map(toBuffer);
}

function toBuffer(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

function forbidden(context: JunkContext, id: string): Parts {
  return parts(header('execute_request', id), { code: context.forbiddenCode(id), silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false });
}

const channel = fc.constantFrom<JunkChannel>('shell', 'control', 'stdin');

/** Anything that does not parse as a JSON object: the wire layer must refuse it in any of the four parts. */
const notAnObject: fc.Arbitrary<Buffer> = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'undefined')),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    fc.constantFrom('', 'null', '[]', '{', '{"a":}', '{"msg_id": "x",', '\u0000', '{}}', 'NaN', '{"a":1}garbage').map((s) => Buffer.from(s)),
  )
  .filter((bytes) => !parsesToObject(bytes));

function parsesToObject(bytes: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(bytes.toString());
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** A JSON value that is not a string (for a header field that must be one). */
const notAString = fc.jsonValue().filter((v) => typeof v !== 'string');

/** A request that would run code, cut to fewer than six frames from the delimiter on. */
function truncatedFrames(): fc.Arbitrary<Junk> {
  return fc.record({ id: fc.uuid(), keep: fc.integer({ min: 1, max: 5 }), channel }).map(({ id, keep, channel }) => ({
    kind: 'truncated frames', channel, fate: 'dropped' as const,
    build: (context) => signed(context.signer, forbidden(context, id)).slice(0, keep),
  }));
}

/** A request with one JSON part cut short: signed as sent (bad JSON) or with the signature of the whole (bad signature). */
function truncatedJson(): fc.Arbitrary<Junk> {
  return fc.record({ id: fc.uuid(), part: fc.integer({ min: 0, max: 3 }), at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), resign: fc.boolean(), channel }).map(({ id, part, at, resign, channel }) => ({
    kind: resign ? 'truncated JSON, signed' : 'truncated JSON, old signature', channel, fate: 'dropped' as const,
    build: (context: JunkContext) => {
      const whole = forbidden(context, id);
      const cut = [...whole] as Parts;
      // A proper prefix of a JSON object is never valid JSON.
      cut[part] = whole[part].slice(0, Math.floor(whole[part].length * at));
      return resign ? signed(context.signer, cut) : frames(context.signer.sign(whole.map(toBuffer)), cut);
    },
  }));
}

function missingDelimiter(): fc.Arbitrary<Junk> {
  const lookalike = fc.constantFrom('', '<IDS|MSG> ', '<ids|msg>', '<IDS|MSG', 'IDS|MSG', '<IDS|MSG>\u0000');
  return fc.record({ id: fc.uuid(), replacement: fc.option(lookalike, { nil: undefined }), channel }).map(({ id, replacement, channel }) => ({
    kind: 'missing delimiter', channel, fate: 'dropped' as const,
    build: (context: JunkContext) => {
      const all = signed(context.signer, forbidden(context, id));
      return replacement === undefined ? all.slice(1) : [Buffer.from(replacement), ...all.slice(1)];
    },
  }));
}

/** The right parts under a signature that is not theirs. */
function wrongSignature(): fc.Arbitrary<Junk> {
  const variants = fc.oneof(
    fc.constant({ how: 'missing', make: () => '' }),
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => ({ how: 'random hex', make: () => Buffer.from(bytes).toString('hex') })),
    fc.uint8Array({ maxLength: 100 }).map((bytes) => ({ how: 'random bytes', make: () => Buffer.from(bytes) })),
    fc.constant({ how: 'upper case', make: (right: string) => (right.toUpperCase() === right ? `${right}0` : right.toUpperCase()) }),
    fc.nat().map((n) => ({ how: 'one digit changed', make: (right: string) => changeOneDigit(right, n) })),
    fc.constant({ how: 'one digit short', make: (right: string) => right.slice(0, -1) }),
    fc.constant({ how: 'one digit more', make: (right: string) => `${right}0` }),
    fc.constant({ how: 'doubled', make: (right: string) => right + right }),
    fc.string({ minLength: 1, maxLength: 40 }).map((key) => ({ how: 'another key', make: (_: string, p: Parts) => hmac('sha256', `${key}!`, p) })),
    fc.constant({ how: 'sha512 with the right key', make: (_: string, p: Parts, key: string) => hmac('sha512', key, p) }),
    fc.constant({ how: 'sha1 with the right key', make: (_: string, p: Parts, key: string) => hmac('sha1', key, p) }),
  );
  return fc.record({ id: fc.uuid(), variant: variants, channel }).map(({ id, variant, channel }) => ({
    kind: `signature ${variant.how}`, channel, fate: 'dropped' as const,
    build: (context: JunkContext) => {
      const four = forbidden(context, id);
      const right = context.signer.sign(four.map(toBuffer));
      return frames(variant.make(right, four, context.signer.key), four);
    },
  }));
}

function changeOneDigit(hex: string, n: number): string {
  const at = n % hex.length;
  const digit = hex[at] === '0' ? '1' : '0';
  return hex.slice(0, at) + digit + hex.slice(at + 1);
}

function hmac(algorithm: string, key: string, four: Parts): string {
  const mac = createHmac(algorithm, key);
  for (const part of four) mac.update(part);
  return mac.digest('hex');
}

/** A signature the kernel accepted, over parts changed to run code. */
function replayedSignature(): fc.Arbitrary<Junk> {
  return fc.record({ id: fc.uuid(), alsoHeader: fc.boolean(), channel }).map(({ id, alsoHeader, channel }) => ({
    kind: `replayed signature, changed content${alsoHeader ? ' and header' : ''}`, channel, fate: 'dropped' as const,
    build: (context: JunkContext) => {
      // accepted is [delimiter, signature, header, parent, metadata, content].
      const replayed = context.accepted.map((frame) => Buffer.from(frame));
      const [head, , , content] = forbidden(context, id);
      replayed[5] = Buffer.from(content);
      if (alsoHeader) replayed[2] = Buffer.from(head);
      return replayed;
    },
  }));
}

/** The very frames of a message the kernel accepted before: it must not run twice. */
function exactReplay(): fc.Arbitrary<Junk> {
  return channel.map((channel) => ({ kind: 'exact replay', channel, fate: 'dropped' as const, build: (context: JunkContext) => context.accepted.map((frame) => Buffer.from(frame)) }));
}

/** Well signed, but a part is not a JSON object. */
function badJson(): fc.Arbitrary<Junk> {
  return fc.record({ id: fc.uuid(), part: fc.integer({ min: 0, max: 3 }), junk: notAnObject, channel }).map(({ id, part, junk, channel }) => ({
    kind: `not a JSON object in part ${part}, signed`, channel, fate: 'dropped' as const,
    build: (context: JunkContext) => {
      const four: Array<string | Buffer> = [...forbidden(context, id)];
      four[part] = junk;
      return signed(context.signer, four);
    },
  }));
}

/** Well signed JSON objects, but header fields of the wrong type. */
function wrongHeaderTypes(): fc.Arbitrary<Junk> {
  const broken = fc.oneof(
    fc.record({ field: fc.constantFrom('msg_id', 'msg_type', 'session'), value: notAString }).map(({ field, value }) => ({ field, value: value as unknown })),
    fc.constantFrom('msg_id', 'msg_type').map((field) => ({ field, value: undefined as unknown })),
  );
  return fc.record({ id: fc.uuid(), broken, channel }).map(({ id, broken, channel }) => ({
    kind: `header.${broken.field} ${broken.value === undefined ? 'missing' : `a ${typeof broken.value}`}`, channel, fate: 'dropped' as const,
    build: (context: JunkContext) => {
      const head = header('execute_request', id);
      if (broken.value === undefined) delete head[broken.field];
      else head[broken.field] = broken.value;
      const [, p, m, c] = forbidden(context, id);
      return signed(context.signer, [JSON.stringify(head), p, m, c]);
    },
  }));
}

/** Well signed, well formed, of a type no handler takes: logged as unknown (stdin: everything but input_reply). */
function unknownType(): fc.Arbitrary<Junk> {
  const types = fc.oneof(
    fc.constantFrom(...PROTOTYPE_NAMES),
    fc.constantFrom('', 'execute_reply', 'kernel_info_reply', 'status', 'stream', 'input_request', 'debug_reply', 'usage_request'),
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 50 }),
  );
  return fc.record({ id: fc.uuid(), type: types, content: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), channel })
    .filter(({ type, channel }) => (channel === 'stdin' ? type !== 'input_reply' : !REQUESTS.includes(type)))
    .map(({ id, type, content, channel }) => ({ kind: 'unknown msg_type', channel, fate: 'unknown' as const, build: (context: JunkContext) => signed(context.signer, parts(header(type, id), content)) }));
}

/**
 * Known requests whose content has a field of the wrong type: shell and control
 * answer with an error. On stdin an input_reply that answers no input() is
 * logged and ignored: it must never reach a later input().
 */
function badContent(): fc.Arbitrary<Junk> {
  const requests = fc.oneof(
    notAString.map((code) => ({ type: 'execute_request', content: { code } as object })),
    fc.record({ field: fc.constantFrom('silent', 'store_history', 'allow_stdin', 'stop_on_error'), value: fc.jsonValue().filter((v) => typeof v !== 'boolean' && v !== null) })
      .map(({ field, value }) => ({ type: 'execute_request', content: { code: 'throw new Error("bad content ran")', [field]: value } as object })),
    notAString.map((code) => ({ type: 'is_complete_request', content: { code } as object })),
    fc.jsonValue().filter((v) => typeof v !== 'number').map((cursor) => ({ type: 'complete_request', content: { code: 'Math.', cursor_pos: cursor } as object })),
    fc.jsonValue().filter((v) => typeof v !== 'number').map((cursor) => ({ type: 'inspect_request', content: { code: 'Math', cursor_pos: cursor } as object })),
    notAString.map((access) => ({ type: 'history_request', content: { hist_access_type: access } as object })),
  );
  const shellOrControl = fc.record({ id: fc.uuid(), request: requests, channel: fc.constantFrom<JunkChannel>('shell', 'control') }).map(({ id, request, channel }) => ({
    kind: `${request.type} with bad content`, channel, fate: 'bad-request' as const, build: (context: JunkContext) => signed(context.signer, parts(header(request.type, id), request.content)),
  }));
  const strayInput = fc.record({ id: fc.uuid(), value: fc.jsonValue() }).map(({ id, value }) => ({
    kind: 'input_reply with no input waiting', channel: 'stdin' as const, fate: 'unknown' as const, build: (context: JunkContext) => signed(context.signer, parts(header('input_reply', id), { value })),
  }));
  return fc.oneof({ arbitrary: shellOrControl, weight: 3 }, { arbitrary: strayInput, weight: 1 });
}

/** Random frames, none of them the delimiter. */
function garbageFrames(): fc.Arbitrary<Junk> {
  return fc.record({ frames: fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 12 }), channel })
    .filter(({ frames }) => !frames.some((frame) => Buffer.from(frame).toString() === DELIMITER))
    .map(({ frames, channel }) => ({ kind: 'random frames', channel, fate: 'dropped' as const, build: () => frames.map((bytes) => Buffer.from(bytes)) }));
}

/** 1 to 8 MiB in one frame: an identity, the signature, or a signed part that is not JSON. */
function hugeFrame(): fc.Arbitrary<Junk> {
  const where = fc.constantFrom('identity', 'signature', 'content, old signature', 'content, signed');
  return fc.record({ id: fc.uuid(), size: fc.integer({ min: 1 << 20, max: 4 << 20 }), where, channel }).map(({ id, size, where, channel }) => ({
    kind: `huge frame (${where})`, channel, fate: 'dropped' as const,
    build: (context: JunkContext) => {
      const huge = Buffer.alloc(size, where === 'content, signed' ? '[' : 'a');
      const four = forbidden(context, id);
      const good = signed(context.signer, four);
      if (where === 'identity') return [huge, good[0], Buffer.from('0'.repeat(64)), ...good.slice(2)];
      if (where === 'signature') return [good[0], huge, ...good.slice(2)];
      if (where === 'content, old signature') return [...good.slice(0, 5), huge];
      return signed(context.signer, [four[0], four[1], four[2], huge]);
    },
  }));
}

/** Every kind of junk, the huge ones rare so that a run stays short. */
export function junkMessage(): fc.Arbitrary<Junk> {
  return fc.oneof(
    { arbitrary: truncatedFrames(), weight: 10 },
    { arbitrary: truncatedJson(), weight: 10 },
    { arbitrary: missingDelimiter(), weight: 10 },
    { arbitrary: wrongSignature(), weight: 25 },
    { arbitrary: replayedSignature(), weight: 10 },
    { arbitrary: exactReplay(), weight: 5 },
    { arbitrary: badJson(), weight: 10 },
    { arbitrary: wrongHeaderTypes(), weight: 10 },
    { arbitrary: unknownType(), weight: 10 },
    { arbitrary: badContent(), weight: 10 },
    { arbitrary: garbageFrames(), weight: 10 },
    { arbitrary: hugeFrame(), weight: 1 },
  ).map(withShortDescription);
}

/** fast-check prints a failing batch; a frame of megabytes must not be printed whole. */
function withShortDescription(junk: Junk): Junk {
  return Object.assign(junk, {
    [fc.toStringMethod]: () => `${junk.kind} on ${junk.channel} (${junk.fate})`,
  });
}

/** A junk message with the start of each frame, for a failure report. */
export function describeJunk(junk: Junk, context: JunkContext): string {
  const shown = junk.build(context).map((frame) => {
    const text = JSON.stringify(frame.subarray(0, 100).toString('latin1'));
    return frame.length > 100 ? `${text}... (${frame.length} bytes)` : text;
  });
  return `${junk.kind} on ${junk.channel}, should be ${junk.fate}: [${shown.join(', ')}]`;
}

/** A well-formed signed message of a type nobody handles: its log line marks a point in the kernel's log. */
export function markerFrames(signer: Signer, marker: string): Buffer[] {
  return signed(signer, parts(header(marker, randomUUID()), {}));
}
