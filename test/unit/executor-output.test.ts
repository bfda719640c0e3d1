import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { announceLost, forwardFrame, forwardRaw } from '../../kernel/protocol/executor-output.js';
import type { WireMessage } from '../../kernel/wire/codec.js';
import { ProtocolHarness } from '../helpers/protocol-harness.js';

/** Routing of what the executor produced: each frame to the iopub (or stdin) of the cell that produced it. */
describe('executor output routing (in memory)', () => {
  let kernel: ProtocolHarness;
  let first: WireMessage<object>;
  let second: WireMessage<object>;

  /** Registers a cell as execute_request does, without running anything. */
  function cell(options: { allowStdin?: boolean; silent?: boolean } = {}): WireMessage<object> {
    const request = kernel.build('execute_request', { code: '' });
    kernel.ctx.executionCount += 1;
    kernel.ctx.cells.add({ request, executionCount: kernel.ctx.executionCount, allowStdin: options.allowStdin ?? true, silent: options.silent ?? false });
    return request;
  }

  const types = (messages: WireMessage[]) => messages.map((m) => m.header.msg_type);

  beforeEach(() => {
    kernel = new ProtocolHarness();
    first = cell();
    second = cell();
  });

  it('output_goes_to_the_cell_that_produced_it_even_after_a_later_cell_started', () => {
    forwardFrame({ type: 'stream', parent: first.header.msg_id, name: 'stdout', text: 'a1\n' }, kernel.ctx);
    forwardFrame({ type: 'stream', parent: second.header.msg_id, name: 'stdout', text: 'b1\n' }, kernel.ctx);
    forwardFrame({ type: 'stream', parent: first.header.msg_id, name: 'stdout', text: 'a2\n' }, kernel.ctx);
    kernel.ctx.iopub.flush();
    const streams = kernel.sent.map(({ message }) => [message.parent_header.msg_id, message.content.text]);
    assert.deepEqual(streams, [
      [first.header.msg_id, 'a1\n'],
      [second.header.msg_id, 'b1\n'],
      [first.header.msg_id, 'a2\n'],
    ]);
  });

  it('displays_updates_clears_and_results_become_their_iopub_messages', () => {
    const parent = first.header.msg_id;
    forwardFrame({ type: 'display', parent, data: { 'text/html': '<b>1</b>' }, metadata: {}, displayId: 'd1', update: false }, kernel.ctx);
    forwardFrame({ type: 'display', parent, data: { 'text/html': '<b>2</b>' }, metadata: {}, displayId: 'd1', update: true }, kernel.ctx);
    forwardFrame({ type: 'display', parent, data: { 'text/plain': 'x' }, metadata: {}, update: false }, kernel.ctx);
    forwardFrame({ type: 'clear', parent, wait: true }, kernel.ctx);
    forwardFrame({ type: 'result', parent, data: { 'text/plain': '42' }, metadata: {} }, kernel.ctx);
    forwardFrame({ type: 'late_error', parent, error: { ename: 'Error', evalue: 'late', traceback: ['Error: late'] } }, kernel.ctx);
    const messages = kernel.iopubFor(parent);
    assert.deepEqual(types(messages), ['display_data', 'update_display_data', 'display_data', 'clear_output', 'execute_result', 'error']);
    assert.deepEqual(messages[0].content, { data: { 'text/html': '<b>1</b>' }, metadata: {}, transient: { display_id: 'd1' } });
    assert.deepEqual(messages[1].content.transient, { display_id: 'd1' });
    assert.deepEqual(messages[2].content.transient, {});
    assert.deepEqual(messages[3].content, { wait: true });
    assert.deepEqual(messages[4].content, { execution_count: 1, data: { 'text/plain': '42' }, metadata: {} });
    assert.deepEqual(messages[5].content, { ename: 'Error', evalue: 'late', traceback: ['Error: late'] });
    // iopub topics follow Jupyter's kernel.<session>.<type>.
    assert.equal(String(messages[0].idents[0]), 'kernel.kernel-session.display_data');
  });

  it('a_result_is_recorded_as_the_cells_output_in_history', () => {
    kernel.ctx.history.add(1, '6 * 7');
    forwardFrame({ type: 'result', parent: first.header.msg_id, data: { 'text/plain': '42' }, metadata: {} }, kernel.ctx);
    assert.deepEqual(kernel.ctx.history.query({ hist_access_type: 'tail', n: 1, output: true }), [[1, 1, ['6 * 7', '42']]]);
  });

  it('a_silent_cells_output_is_dropped', () => {
    const quiet = cell({ silent: true });
    forwardFrame({ type: 'stream', parent: quiet.header.msg_id, name: 'stdout', text: 'x' }, kernel.ctx);
    forwardFrame({ type: 'result', parent: quiet.header.msg_id, data: { 'text/plain': '1' }, metadata: {} }, kernel.ctx);
    kernel.ctx.iopub.flush();
    assert.deepEqual(kernel.sent, []);
  });

  it('input_is_asked_on_stdin_after_the_output_printed_before_it', () => {
    forwardFrame({ type: 'stream', parent: first.header.msg_id, name: 'stdout', text: 'about to ask\n' }, kernel.ctx);
    forwardFrame({ type: 'input_request', parent: first.header.msg_id, prompt: 'who? ', password: false }, kernel.ctx);
    assert.deepEqual(kernel.sent.map((s) => `${s.channel}:${s.message.header.msg_type}`), ['iopub:stream', 'stdin:input_request']);
    const request = kernel.sent[1].message;
    assert.deepEqual(request.content, { prompt: 'who? ', password: false });
    assert.equal(request.parent_header.msg_id, first.header.msg_id);
    assert.deepEqual(request.idents.map(String), ['client-1']);
    assert.equal(kernel.executor.inputsWaiting, 1);
  });

  it('input_is_refused_at_once_where_nobody_can_answer', () => {
    const noStdin = cell({ allowStdin: false });
    const quiet = cell({ silent: true, allowStdin: false });
    forwardFrame({ type: 'input_request', parent: noStdin.header.msg_id, prompt: '', password: false }, kernel.ctx);
    forwardFrame({ type: 'input_request', parent: quiet.header.msg_id, prompt: '', password: false }, kernel.ctx);
    forwardFrame({ type: 'input_request', parent: 'no-such-cell', prompt: '', password: false }, kernel.ctx);
    assert.deepEqual(kernel.executor.inputs, [{ type: 'input_unavailable' }, { type: 'input_unavailable' }, { type: 'input_unavailable' }]);
    assert.equal(kernel.executor.inputsWaiting, 0);
    assert.deepEqual(kernel.sent, []);
  });

  it('ready_done_and_unknown_cells_publish_nothing', () => {
    forwardFrame({ type: 'ready', pid: 1 }, kernel.ctx);
    forwardFrame({ type: 'done', parent: first.header.msg_id, status: 'ok', userExpressions: {} }, kernel.ctx);
    forwardFrame({ type: 'stream', parent: 'no-such-cell', name: 'stdout', text: 'x' }, kernel.ctx);
    kernel.ctx.iopub.flush();
    assert.deepEqual(kernel.sent, []);
  });

  it('raw_text_and_a_lost_executor_are_told_to_the_newest_cell', () => {
    forwardRaw(kernel.ctx, 'stderr', 'FATAL ERROR\n');
    announceLost(kernel.ctx, 'the executor process was killed');
    kernel.ctx.iopub.flush();
    assert.deepEqual(kernel.iopubFor(second.header.msg_id).map((m) => m.content), [
      { name: 'stderr', text: 'FATAL ERROR\n\n[loom] the executor process was killed\n' },
    ]);
    assert.equal(kernel.language.resets, 1);
  });
});
