import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { encode } from '../../kernel/wire/codec.js';
import { deferred, failedWith, ProtocolHarness, ran } from '../helpers/protocol-harness.js';

describe('dispatcher (in memory)', () => {
  let kernel: ProtocolHarness;
  beforeEach(() => {
    kernel = new ProtocolHarness().start();
  });
  afterEach(() => kernel.close());

  it('busy_reply_idle_in_that_order_on_shell_and_control', async () => {
    for (const channel of ['shell', 'control'] as const) {
      const id = kernel.send(channel, kernel.build('kernel_info_request', {}));
      await kernel.idle(id);
      assert.deepEqual(kernel.trace(id), ['iopub:status:busy', `${channel}:kernel_info_reply`, 'iopub:status:idle']);
      const reply = kernel.replyTo(id)!;
      assert.equal(reply.content.status, 'ok');
      assert.equal(reply.content.protocol_version, '5.4');
      assert.equal(reply.parent_header.msg_type, 'kernel_info_request');
      // Routed back to the client that asked.
      assert.deepEqual(reply.idents.map(String), ['client-1']);
    }
  });

  it('a_cell_publishes_its_input_and_output_before_its_reply', async () => {
    kernel.executor.script = (command, emit) => {
      emit({ type: 'stream', parent: command.parent, name: 'stdout', text: 'hi\n' });
      emit({ type: 'result', parent: command.parent, data: { 'text/plain': '42' }, metadata: {} });
      return ran;
    };
    const id = kernel.send('shell', kernel.build('execute_request', { code: 'answer()' }));
    await kernel.idle(id);
    assert.deepEqual(kernel.trace(id), [
      'iopub:status:busy',
      'iopub:execute_input',
      'iopub:stream',
      'iopub:execute_result',
      'shell:execute_reply',
      'iopub:status:idle',
    ]);
    const reply = kernel.replyTo(id)!;
    assert.deepEqual(reply.content, { status: 'ok', execution_count: 1, user_expressions: {}, payload: [] });
    const [input, stream, result] = kernel.iopubFor(id).slice(1);
    assert.deepEqual(input.content, { code: 'answer()', execution_count: 1 });
    assert.deepEqual(stream.content, { name: 'stdout', text: 'hi\n' });
    assert.deepEqual(result.content, { execution_count: 1, data: { 'text/plain': '42' }, metadata: {} });
    assert.deepEqual(kernel.language.cells, ['answer()']);
    // The result is the cell's Out[1] in history.
    const { reply: history } = await kernel.request('shell', 'history_request', { hist_access_type: 'tail', n: 1, output: true });
    assert.deepEqual(history!.content.history, [[1, 1, ['answer()', '42']]]);
  });

  it('text_printed_last_is_on_iopub_before_the_reply', async () => {
    kernel.executor.script = (command, emit) => {
      emit({ type: 'stream', parent: command.parent, name: 'stdout', text: 'last words\n' });
      return ran;
    };
    const id = kernel.send('shell', kernel.build('execute_request', { code: 'print()' }));
    await kernel.idle(id);
    assert.deepEqual(kernel.trace(id).slice(-3), ['iopub:stream', 'shell:execute_reply', 'iopub:status:idle']);
  });

  it('after_a_failed_cell_queued_cells_are_aborted_until_the_queue_drains', async () => {
    const first = deferred<void>();
    kernel.executor.script = async (command) => {
      if (command.code !== 'fails') return ran;
      await first.promise;
      return failedWith('RangeError', 'too far');
    };
    const failing = kernel.send('shell', kernel.build('execute_request', { code: 'fails' }));
    const second = kernel.send('shell', kernel.build('execute_request', { code: 'second' }));
    const info = kernel.send('shell', kernel.build('kernel_info_request', {}));
    const third = kernel.send('shell', kernel.build('execute_request', { code: 'third' }));
    // All four are queued behind the running cell before it fails.
    await kernel.sockets.shell.read();
    first.resolve();
    await kernel.idle(third);

    const failed = kernel.replyTo(failing)!.content;
    assert.equal(failed.status, 'error');
    assert.equal(failed.ename, 'RangeError');
    assert.equal(failed.execution_count, 1);
    for (const id of [second, third]) {
      assert.deepEqual(kernel.replyTo(id)!.content, { status: 'aborted', execution_count: 1 });
      assert.deepEqual(kernel.trace(id), ['iopub:status:busy', 'shell:execute_reply', 'iopub:status:idle']);
    }
    // Requests other than cells are answered as usual.
    assert.equal(kernel.replyTo(info)!.content.status, 'ok');
    assert.deepEqual(kernel.executor.executed, ['fails']);

    // The queue has drained: the next cell runs.
    const { reply } = await kernel.execute('later');
    assert.equal(reply!.content.status, 'ok');
    assert.equal(reply!.content.execution_count, 2);
    assert.deepEqual(kernel.executor.executed, ['fails', 'later']);
  });

  it('stop_on_error_false_and_bad_requests_abort_nothing', async () => {
    const hold = deferred<void>();
    kernel.executor.script = async (command) => {
      await hold.promise;
      return command.code === 'fails' ? failedWith('Error', 'no') : ran;
    };
    const failing = kernel.send('shell', kernel.build('execute_request', { code: 'fails', stop_on_error: false }));
    const bad = kernel.send('shell', kernel.build('execute_request', { code: 42 }));
    const next = kernel.send('shell', kernel.build('execute_request', { code: 'next' }));
    await kernel.sockets.shell.read();
    hold.resolve();
    await kernel.idle(next);
    assert.equal(kernel.replyTo(failing)!.content.status, 'error');
    const badReply = kernel.replyTo(bad)!.content;
    assert.equal(badReply.ename, 'BadRequest');
    assert.match(String(badReply.evalue), /content\.code must be a string, got 42/);
    assert.equal(kernel.replyTo(next)!.content.status, 'ok');
    assert.deepEqual(kernel.executor.executed, ['fails', 'next']);
  });

  it('silent_cells_publish_only_status_and_do_not_count', async () => {
    kernel.executor.script = (command, emit) => {
      emit({ type: 'stream', parent: command.parent, name: 'stdout', text: 'quiet\n' });
      return ran;
    };
    await kernel.execute('1');
    const id = kernel.send('shell', kernel.build('execute_request', { code: 'console.log("quiet")', silent: true }));
    await kernel.idle(id);
    assert.deepEqual(kernel.trace(id), ['iopub:status:busy', 'shell:execute_reply', 'iopub:status:idle']);
    assert.equal(kernel.replyTo(id)!.content.execution_count, 1);
  });

  it('a_cell_with_type_errors_fails_as_TSError_without_running', async () => {
    kernel.language.typeErrors.set("const n: number = 'x'", [{ line: 1, column: 7, code: 2322, message: "Type 'string' is not assignable to type 'number'.", lineText: "const n: number = 'x'" }]);
    const { reply, iopub } = await kernel.execute("const n: number = 'x'");
    assert.equal(reply!.content.status, 'error');
    assert.equal(reply!.content.ename, 'TSError');
    assert.match((reply!.content.traceback as string[])[0], /^cell 1, line 1, column 7 - error TS2322/);
    assert.deepEqual(iopub.map((m) => m.header.msg_type), ['status', 'execute_input', 'error', 'status']);
    assert.deepEqual(kernel.executor.executed, []);
    assert.deepEqual(kernel.language.cells, []);
  });

  it('a_cell_the_executor_cannot_start_is_ExecutorUnavailable', async () => {
    kernel.executor.script = () => {
      throw new Error('the executor did not start within 30 s');
    };
    const { reply } = await kernel.execute('1');
    assert.equal(reply!.content.ename, 'ExecutorUnavailable');
    assert.equal(reply!.content.evalue, 'the executor did not start within 30 s');
    assert.deepEqual(kernel.language.cells, [], 'none of the cell ran');
  });

  it('lost_state_resets_the_language_service', async () => {
    kernel.executor.script = () => ({ ...failedWith('ExecutorDied', 'gone'), stateLost: true });
    await kernel.execute('process.exit(3)');
    assert.equal(kernel.language.resets, 1);
  });

  it('a_help_query_pages_what_inspection_knows', async () => {
    const { reply } = await kernel.execute('Math.max?');
    assert.deepEqual(reply!.content.payload, [{ source: 'page', data: { 'text/plain': 'about Math.max' }, start: 0 }]);
    assert.deepEqual(kernel.executor.executed, []);
  });

  it('unknown_types_and_prototype_names_get_busy_idle_and_no_reply', async () => {
    for (const type of ['constructor', 'toString', 'frobnicate_request']) {
      const id = kernel.send('shell', kernel.build(type, {}));
      await kernel.idle(id);
      assert.deepEqual(kernel.trace(id), ['iopub:status:busy', 'iopub:status:idle'], type);
    }
  });

  it('a_handler_that_throws_gets_an_error_reply_named_for_the_error', async () => {
    kernel.language.complete = async () => {
      throw new TypeError('boom');
    };
    const { reply } = await kernel.request('shell', 'complete_request', { code: 'Ma', cursor_pos: 2 });
    assert.deepEqual(reply!.content, { status: 'error', ename: 'TypeError', evalue: 'boom', traceback: [] });
  });

  it('language_requests_are_answered_by_the_language_service', async () => {
    const { reply: completion } = await kernel.request('shell', 'complete_request', { code: 'Ma', cursor_pos: 2 });
    assert.deepEqual(completion!.content, { status: 'ok', matches: ['Ma'], cursor_start: 0, cursor_end: 2, metadata: {} });
    const { reply: complete } = await kernel.request('shell', 'is_complete_request', { code: '1' });
    assert.deepEqual(complete!.content, { status: 'complete' });
    const { reply: bad } = await kernel.request('shell', 'inspect_request', { code: 'x' });
    assert.equal(bad!.content.ename, 'BadRequest');
  });

  it('control_answers_while_a_cell_runs_on_shell', async () => {
    const hold = deferred<void>();
    kernel.executor.script = async () => {
      await hold.promise;
      return failedWith('KeyboardInterrupt', 'Interrupted');
    };
    const cell = kernel.send('shell', kernel.build('execute_request', { code: 'for (;;) {}' }));
    const { reply } = await kernel.request('control', 'interrupt_request');
    assert.deepEqual(reply!.content, { status: 'ok' });
    assert.equal(kernel.executor.interrupts, 1);
    assert.equal(kernel.replyTo(cell), undefined, 'the cell is still running');
    hold.resolve();
    await kernel.idle(cell);
    assert.equal(kernel.replyTo(cell)!.content.ename, 'KeyboardInterrupt');
  });

  it('shutdown_replies_and_asks_the_kernel_to_exit', async () => {
    const { reply } = await kernel.request('control', 'shutdown_request', { restart: true });
    assert.deepEqual(reply!.content, { status: 'ok', restart: true });
    assert.deepEqual(kernel.shutdowns, [true]);
  });

  it('a_badly_signed_request_is_dropped_unseen', async () => {
    const forged = kernel.build('execute_request', { code: 'forged' });
    const frames = encode(forged, kernel.signer);
    frames[2] = 'f'.repeat(64);
    kernel.sockets.shell.push(frames);
    const { reply } = await kernel.execute('after');
    assert.equal(reply!.content.status, 'ok');
    assert.deepEqual(kernel.trace(forged.header.msg_id), []);
    assert.deepEqual(kernel.executor.executed, ['after']);
  });

  it('comm_open_is_closed_on_iopub_without_a_reply', async () => {
    const id = kernel.send('shell', kernel.build('comm_open', { comm_id: 'c-1', target_name: 'nobody', data: {} }));
    await kernel.idle(id);
    assert.deepEqual(kernel.trace(id), ['iopub:status:busy', 'iopub:comm_close', 'iopub:status:idle']);
    assert.deepEqual(kernel.iopubFor(id)[1].content, { comm_id: 'c-1', data: {} });
    const { reply } = await kernel.request('shell', 'comm_info_request');
    assert.deepEqual(reply!.content, { status: 'ok', comms: {} });
  });
});
