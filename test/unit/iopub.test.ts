import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IOPub } from '../../kernel/protocol/iopub.js';
import type { WireMessage } from '../../kernel/wire/codec.js';

const identity = { session: 'kernel-session', username: 'kernel' };

function parent(id: string): WireMessage<object> {
  return { idents: [], header: { msg_id: id, msg_type: 'execute_request', session: 's', username: 'u', date: '', version: '5.4' }, parent_header: {}, metadata: {}, content: {}, buffers: [] };
}

function recording(): { iopub: IOPub; published: WireMessage[]; next: () => Promise<WireMessage> } {
  const published: WireMessage[] = [];
  let waiting: ((message: WireMessage) => void) | undefined;
  const iopub = new IOPub(identity, (message) => {
    published.push(message as WireMessage);
    waiting?.(message as WireMessage);
    waiting = undefined;
  });
  return { iopub, published, next: () => new Promise((resolve) => (waiting = resolve)) };
}

const summary = (messages: WireMessage[]) =>
  messages.map((m) => [m.parent_header.msg_id, m.header.msg_type, m.content.name ?? m.content.execution_state, m.content.text]);

describe('iopub batching', () => {
  it('stream_text_of_one_cell_and_stream_is_sent_as_one_message', () => {
    const { iopub, published } = recording();
    for (let i = 0; i < 100; i++) iopub.stream(parent('a'), 'stdout', `${i}\n`);
    assert.equal(published.length, 0, 'batched, not sent yet');
    iopub.flush();
    assert.equal(published.length, 1);
    assert.equal(published[0].content.text, Array.from({ length: 100 }, (_, i) => `${i}\n`).join(''));
  });

  it('a_change_of_stream_or_cell_starts_a_new_message_in_order', () => {
    const { iopub, published } = recording();
    iopub.stream(parent('a'), 'stdout', 'out1');
    iopub.stream(parent('a'), 'stderr', 'err');
    iopub.stream(parent('a'), 'stdout', 'out2');
    iopub.stream(parent('b'), 'stdout', 'other');
    iopub.flush();
    assert.deepEqual(summary(published), [
      ['a', 'stream', 'stdout', 'out1'],
      ['a', 'stream', 'stderr', 'err'],
      ['a', 'stream', 'stdout', 'out2'],
      ['b', 'stream', 'stdout', 'other'],
    ]);
  });

  it('any_other_message_sends_the_batch_first', () => {
    const { iopub, published } = recording();
    iopub.stream(parent('a'), 'stdout', 'before');
    iopub.publish(parent('a'), 'clear_output', { wait: false });
    iopub.stream(parent('a'), 'stdout', 'after');
    iopub.status(parent('a'), 'idle');
    assert.deepEqual(summary(published), [
      ['a', 'stream', 'stdout', 'before'],
      ['a', 'clear_output', undefined, undefined],
      ['a', 'stream', 'stdout', 'after'],
      ['a', 'status', 'idle', undefined],
    ]);
  });

  it('a_batch_is_sent_by_itself_soon_after', async () => {
    const { iopub, next } = recording();
    const sent = next();
    iopub.stream(parent('a'), 'stdout', 'waiting');
    assert.equal((await sent).content.text, 'waiting');
  });

  it('a_batch_stops_growing_at_a_mebibyte', () => {
    const { iopub, published } = recording();
    const chunk = 'x'.repeat(1 << 19);
    for (let i = 0; i < 3; i++) iopub.stream(parent('a'), 'stdout', chunk);
    iopub.flush();
    assert.deepEqual(published.map((m) => String(m.content.text).length), [2 << 19, 1 << 19]);
  });

  it('messages_carry_the_kernel_topic_and_their_parent', () => {
    const { iopub, published } = recording();
    iopub.status(undefined, 'starting');
    iopub.publish(parent('a'), 'execute_input', { code: '1', execution_count: 1 });
    assert.deepEqual(published.map((m) => String(m.idents[0])), ['kernel.kernel-session.status', 'kernel.kernel-session.execute_input']);
    assert.deepEqual(published[0].parent_header, {});
    assert.equal(published[1].parent_header.msg_id, 'a');
    assert.equal(published[1].header.session, 'kernel-session');
  });
});
