import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { decode, encode, type WireMessage } from '../../kernel/wire/codec.js';
import { ConnectionFileError, endpoint, parseConnectionInfo } from '../../kernel/wire/connection.js';
import { Signer } from '../../kernel/wire/signer.js';

const signer = new Signer('hmac-sha256', 'secret-key');

function sample(): WireMessage<object> {
  return {
    idents: [Buffer.from('client-1')],
    header: { msg_id: 'm1', msg_type: 'kernel_info_request', session: 's', username: 'u', date: '2026-01-01T00:00:00Z', version: '5.4' },
    parent_header: {},
    metadata: {},
    content: { x: 1 },
    buffers: [],
  };
}

const frames = (message = sample()) => encode(message, signer).map((frame) => Buffer.from(frame));

describe('wire codec', () => {
  it('round-trips a message with its identities', () => {
    const decoded = decode(frames(), signer);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.message.idents.map(String), ['client-1']);
    assert.equal(decoded.message.header.msg_type, 'kernel_info_request');
    assert.deepEqual(decoded.message.content, { x: 1 });
  });

  it('signs with HMAC-SHA256 over the four JSON parts', () => {
    const [, , signature, header, parent, metadata, content] = frames().map(String);
    const expected = createHmac('sha256', 'secret-key').update(header).update(parent).update(metadata).update(content).digest('hex');
    assert.equal(signature, expected);
  });

  it('bad_signature_is_rejected', () => {
    const bad = frames();
    bad[2] = Buffer.from('0'.repeat(64));
    assert.deepEqual(decode(bad, signer), { ok: false, reason: 'bad signature' });
  });

  it('missing signature is rejected', () => {
    const bad = frames();
    bad[2] = Buffer.from('');
    assert.equal(decode(bad, signer).ok, false);
  });

  it('changed content under a replayed signature is rejected', () => {
    const bad = frames();
    bad[6] = Buffer.from('{"x":2}');
    assert.equal(decode(bad, signer).ok, false);
  });

  it('rejects frames without a delimiter, too few frames and bad JSON', () => {
    assert.deepEqual(decode([Buffer.from('a'), Buffer.from('b')], signer), { ok: false, reason: 'missing delimiter' });
    assert.equal(decode(frames().slice(0, 5), signer).ok, false);
    const unsigned = new Signer('hmac-sha256', '');
    const badJson = [Buffer.from('<IDS|MSG>'), Buffer.from(''), Buffer.from('{'), Buffer.from('{}'), Buffer.from('{}'), Buffer.from('{}')];
    const result = decode(badJson, unsigned);
    assert.equal(result.ok, false);
    assert.match((result as { reason: string }).reason, /bad JSON/);
  });

  it('rejects a header without msg_type', () => {
    const unsigned = new Signer('hmac-sha256', '');
    const noType = ['<IDS|MSG>', '', '{"msg_id":"1"}', '{}', '{}', '{}'].map((f) => Buffer.from(f));
    assert.deepEqual(decode(noType, unsigned), { ok: false, reason: 'header.msg_type is not a string' });
  });

  it('an empty key means no signing, as in Jupyter', () => {
    const unsigned = new Signer('hmac-sha256', '');
    const encoded = encode(sample(), unsigned).map((frame) => Buffer.from(frame));
    assert.equal(String(encoded[2]), '');
    assert.ok(decode(encoded, unsigned).ok);
  });
});

describe('connection file', () => {
  const good = { transport: 'tcp', ip: '127.0.0.1', shell_port: 1, iopub_port: 2, stdin_port: 3, control_port: 4, hb_port: 5, key: 'k', signature_scheme: 'hmac-sha256' };

  it('builds endpoints for tcp and ipc', () => {
    assert.equal(endpoint(parseConnectionInfo(good), 'shell'), 'tcp://127.0.0.1:1');
    assert.equal(endpoint(parseConnectionInfo({ ...good, transport: 'ipc', ip: '/tmp/k' }), 'hb'), 'ipc:///tmp/k-5');
  });

  it('names the bad field and value', () => {
    assert.throws(() => parseConnectionInfo({ ...good, shell_port: 'x' }), (error: Error) => error instanceof ConnectionFileError && /shell_port must be a port number, got "x"/.test(error.message));
    assert.throws(() => parseConnectionInfo({ ...good, signature_scheme: 'md5' }), /signature_scheme/);
    assert.throws(() => parseConnectionInfo({ ...good, transport: 'udp' }), /transport/);
  });

  it('refuses an unknown hash algorithm at start-up', () => {
    assert.throws(() => new Signer('hmac-nosuchhash', 'k'));
  });
});
