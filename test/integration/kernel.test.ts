import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { KernelClient } from '../../kernel/client/client.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { ofType, streamText } from '../helpers/outputs.js';

describe('kernel over ZeroMQ', () => {
  let kernel: KernelClient;
  before(async () => {
    // Outside the repository, so 'loom' cannot resolve through node_modules or self-reference.
    kernel = await KernelClient.start({ cwd: tmpdir() });
  });
  after(() => kernel.close());

  it('kernel_info_answers_on_shell_and_control', async () => {
    for (const channel of ['shell', 'control'] as const) {
      const reply = await kernel.request(channel, 'kernel_info_request');
      assert.equal(reply.content.status, 'ok');
      assert.equal(reply.content.language_info.name, 'typescript');
      assert.equal(reply.content.language_info.file_extension, '.ts');
      assert.equal(reply.content.language_info.mimetype, 'text/typescript');
      assert.equal(reply.parent_header.msg_type, 'kernel_info_request');
    }
  });

  it('busy_and_idle_surround_every_request', async () => {
    const { iopub } = await kernel.execute('1');
    const states = ofType(iopub, 'status').map((m) => m.content.execution_state);
    assert.deepEqual(states, ['busy', 'idle']);
    assert.equal(iopub[0].header.msg_type, 'status');
    assert.equal(iopub.at(-1)!.content.execution_state, 'idle');
  });

  it('declarations_persist_and_last_expression_is_the_result', async () => {
    await kernel.execute('const base = 40');
    const { reply, iopub } = await kernel.execute('base + 2');
    assert.equal(reply.content.status, 'ok');
    const [result] = ofType(iopub, 'execute_result');
    assert.equal(result.content.data['text/plain'], '42');
    assert.equal(result.content.execution_count, reply.content.execution_count);
    assert.equal(ofType(iopub, 'execute_input')[0].content.code, 'base + 2');
  });

  it('console_output_is_a_stream_formatted_like_node', async () => {
    const { iopub } = await kernel.execute("console.log({a: 1, b: 'x'}); console.error('oops')");
    assert.equal(streamText(iopub), "{ a: 1, b: 'x' }\n");
    assert.equal(streamText(iopub, 'stderr'), 'oops\n');
  });

  it('runtime_error_has_ename_evalue_traceback', async () => {
    const { reply, iopub } = await kernel.execute("throw new RangeError('too far')");
    assert.equal(reply.content.status, 'error');
    assert.equal(reply.content.ename, 'RangeError');
    assert.equal(reply.content.evalue, 'too far');
    assert.ok(Array.isArray(reply.content.traceback));
    const [error] = ofType(iopub, 'error');
    assert.equal(error.content.ename, 'RangeError');
  });

  it('top_level_await_works', async () => {
    const { iopub } = await kernel.execute('await new Promise((r) => setTimeout(() => r(7), 10))');
    assert.equal(ofType(iopub, 'execute_result')[0].content.data['text/plain'], '7');
  });

  // Without it, each worker isolate a cell starts and ends leaves freed memory in glibc's arenas (kernel/executor/malloc-tuning.ts).
  it('the_executor_runs_with_a_fixed_malloc_mmap_threshold', async () => {
    const { iopub } = await kernel.execute('process.env.MALLOC_MMAP_THRESHOLD_');
    assert.equal(ofType(iopub, 'execute_result')[0].content.data['text/plain'], "'131072'");
  });

  it('silent_cells_publish_nothing_and_do_not_count', async () => {
    const before = (await kernel.execute('1')).reply.content.execution_count;
    const { reply, iopub } = await kernel.execute('console.log("quiet"); 5', { silent: true });
    assert.equal(reply.content.execution_count, before);
    assert.deepEqual(iopub.map((m) => m.header.msg_type), ['status', 'status']);
  });

  it('user_expressions_are_evaluated', async () => {
    const { reply } = await kernel.execute('const ue = 3', { userExpressions: { double: 'ue * 2', bad: 'nope.nope' } });
    assert.equal(reply.content.user_expressions.double.status, 'ok');
    assert.equal(reply.content.user_expressions.double.data['text/plain'], '6');
    assert.equal(reply.content.user_expressions.bad.status, 'error');
  });

  it('display_update_and_clear_output', async () => {
    const { iopub } = await kernel.execute(
      "const h = display.html('<b>one</b>', {displayId: 'd1'}); h!.update({'text/html': '<b>two</b>'}, {raw: true}); clearOutput({wait: true})",
    );
    const [shown] = ofType(iopub, 'display_data');
    assert.equal(shown.content.data['text/html'], '<b>one</b>');
    assert.equal(shown.content.transient.display_id, 'd1');
    assert.equal(ofType(iopub, 'update_display_data')[0].content.transient.display_id, 'd1');
    assert.equal(ofType(iopub, 'clear_output')[0].content.wait, true);
  });

  it('a_helper_handle_is_typed_updates_as_its_kind_and_prints_as_ipython', async () => {
    // No `!`: with a displayId the checker knows a handle comes back (the cell is type-checked).
    const { reply, iopub } = await kernel.execute(
      "const page = display.html('<b>one</b>', {displayId: true});\npage.update('<b>two</b>');\npage.update(42);\npage",
    );
    assert.equal(reply.content.status, 'ok', String(reply.content.evalue));
    const id = ofType(iopub, 'display_data')[0].content.transient.display_id;
    const [html, number] = ofType(iopub, 'update_display_data').map((m) => m.content.data);
    // IPython's h.update(HTML(...)): the string is HTML again, not a text/plain quote of it.
    assert.equal(html['text/html'], '<b>two</b>');
    // Any other value is shown as display() would show it.
    assert.deepEqual(number, { 'text/plain': '42' });
    assert.equal(ofType(iopub, 'execute_result')[0].content.data['text/plain'], `<DisplayHandle display_id=${id}>`);
  });

  it('input_is_answered_over_stdin', async () => {
    const prompts: string[] = [];
    const { iopub } = await kernel.execute("const name = input('who? '); console.log('hi ' + name)", {
      onInput: (prompt) => {
        prompts.push(prompt);
        return 'Ada';
      },
    });
    assert.deepEqual(prompts, ['who? ']);
    assert.equal(streamText(iopub), 'hi Ada\n');
  });

  it('input_without_allow_stdin_is_an_error', async () => {
    const { reply } = await kernel.execute("input('x')");
    assert.equal(reply.content.status, 'error');
    assert.match(reply.content.ename, /Stdin/);
  });

  it('stop_on_error_aborts_queued_cells', async () => {
    const first = kernel.execute("throw new Error('first')");
    const second = kernel.execute('console.log("should not run")');
    assert.equal((await first).reply.content.status, 'error');
    const { reply, iopub } = await second;
    assert.equal(reply.content.status, 'aborted');
    assert.equal(streamText(iopub), '');
  });

  it('history_tail_range_and_search', async () => {
    await kernel.execute('const historyMarker = 1');
    const tail = await kernel.request('shell', 'history_request', { hist_access_type: 'tail', n: 1, output: false, raw: true });
    assert.equal(tail.content.history.at(-1)[2], 'const historyMarker = 1');
    const search = await kernel.request('shell', 'history_request', { hist_access_type: 'search', pattern: '*historyMarker*', output: false, raw: true });
    assert.equal(search.content.history.length, 1);
    const range = await kernel.request('shell', 'history_request', { hist_access_type: 'range', session: 0, start: 1, stop: 3, output: false, raw: true });
    assert.deepEqual(range.content.history.map((h: unknown[]) => h[1]), [1, 2]);
    await kernel.execute('6 * 7');
    const withOutput = await kernel.request('shell', 'history_request', { hist_access_type: 'tail', n: 1, output: true, raw: true });
    assert.deepEqual(withOutput.content.history.at(-1)[2], ['6 * 7', '42']);
  });

  it('comm_open_to_unknown_target_is_closed', async () => {
    const message = kernel.build('comm_open', { comm_id: 'c-1', target_name: 'nobody', data: {} });
    const closed = new Promise((resolve) => kernel.listen(message.header.msg_id, (m) => m.header.msg_type === 'comm_close' && resolve(m.content.comm_id)));
    await kernel.sendRaw('shell', kernel.encode(message));
    assert.equal(await closed, 'c-1');
    const info = await kernel.request('shell', 'comm_info_request', {});
    assert.deepEqual(info.content.comms, {});
  });

  it('bad_content_gets_an_error_reply_naming_the_field', async () => {
    const reply = await kernel.request('shell', 'execute_request', { code: 42 });
    assert.equal(reply.content.status, 'error');
    assert.match(reply.content.evalue, /content\.code must be a string, got 42/);
  });

  it('bad_signature_is_dropped', async () => {
    const message = kernel.build('execute_request', { code: '(globalThis as any).forged = true', silent: false });
    const frames = kernel.encode(message);
    frames[1] = 'f'.repeat(64);
    await kernel.sendRaw('shell', frames);
    // A valid request after it is answered, and the forged one never ran.
    const { iopub } = await kernel.execute('typeof (globalThis as any).forged');
    assert.equal(ofType(iopub, 'execute_result')[0].content.data['text/plain'], "'undefined'");
  });

  it('output_streams_while_the_cell_runs', async () => {
    let sawFirst = false;
    const run = kernel.execute("console.log('first'); const until = Date.now() + 60_000; while (!(globalThis as any).stopSpin && Date.now() < until) {}", {
      onOutput: (m) => {
        if (m.header.msg_type === 'stream' && String(m.content.text).includes('first')) {
          sawFirst = true;
          void kernel.interrupt();
        }
      },
    });
    const { reply } = await run;
    assert.ok(sawFirst, 'the first line arrived before the cell ended');
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
  });

  it('heartbeat_answers_while_cell_spins', async () => {
    let answered = false;
    await kernel.execute("console.log('spinning'); while (true) {}", {
      onOutput: (m) => {
        if (m.header.msg_type !== 'stream') return;
        void (async () => {
          answered = (await kernel.ping(2000)) && (await kernel.request('control', 'kernel_info_request')).content.status === 'ok';
          await kernel.interrupt();
        })();
      },
    });
    assert.ok(answered);
  });

  it('interrupt_keeps_variables', async () => {
    await kernel.execute('let kept = 5');
    const { reply } = await kernel.execute("console.log('go'); for (;;) {}", { onOutput: (m) => m.header.msg_type === 'stream' && void kernel.interrupt() });
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    const { iopub } = await kernel.execute('kept');
    assert.equal(ofType(iopub, 'execute_result')[0].content.data['text/plain'], '5');
  });

  it('type_error_is_a_TSError_with_the_cell_line_and_the_cell_does_not_run', async () => {
    const { reply, iopub } = await kernel.execute("console.log('ran');\nconst n: number = 'text'");
    assert.equal(reply.content.ename, 'TSError');
    assert.match(reply.content.traceback[0], new RegExp(`^cell ${reply.content.execution_count}, line 2, column 7 - error TS2322: Type 'string' is not assignable to type 'number'`));
    assert.equal(reply.content.traceback[1], "  const n: number = 'text'");
    assert.equal(streamText(iopub), '');
  });

  it('ts_nocheck_runs_a_cell_despite_type_errors', async () => {
    const { reply, iopub } = await kernel.execute("// @ts-nocheck\nconst loose: number = 'text'; loose");
    assert.equal(reply.content.status, 'ok');
    assert.equal(ofType(iopub, 'execute_result')[0].content.data['text/plain'], "'text'");
  });

  it('loom_imports_by_name_wherever_the_notebook_is', async () => {
    const { reply, iopub } = await kernel.execute("import { Queue } from 'loom/queue';\nconst q = new Queue<number>(); q.putNowait(1); q.qsize()");
    assert.equal(reply.content.status, 'ok', reply.content.evalue);
    assert.equal(ofType(iopub, 'execute_result')[0].content.data['text/plain'], '1');
  });

  it('an_idle_interrupt_is_harmless', async () => {
    await kernel.interrupt();
    const { reply } = await kernel.execute('kept');
    assert.equal(reply.content.status, 'ok');
  });
});

describe('executor faults', () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await KernelClient.start();
  });
  after(() => kernel.close());

  it('executor_crash_restarts', async () => {
    await kernel.execute('const lost = 1');
    const { reply, iopub } = await kernel.execute("console.log('bye'); process.exit(3)");
    assert.equal(reply.content.status, 'error');
    assert.match(reply.content.evalue, /exited with code 3.*restarted.*lost/);
    assert.equal(streamText(iopub), 'bye\n');
    const next = await kernel.execute('typeof (globalThis as any).lost');
    assert.equal(ofType(next.iopub, 'execute_result')[0].content.data['text/plain'], "'undefined'");
    // The type checker forgot the lost declarations too.
    const stale = await kernel.execute('lost');
    assert.equal(stale.reply.content.ename, 'TSError');
  });

  it('a_cell_that_ignores_interrupt_gets_the_executor_replaced', async () => {
    // The busy loop runs after an await, outside the interruptible part of the cell.
    const { reply } = await kernel.execute("await null; console.log('stuck'); for (;;) {}", {
      onOutput: (m) => m.header.msg_type === 'stream' && void kernel.interrupt(),
    });
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    assert.match(reply.content.evalue, /restarted.*lost/);
    assert.equal((await kernel.execute('1 + 1')).reply.content.status, 'ok');
  });
});

describe('process lifetime', () => {
  it('shutdown_leaves_no_process', async () => {
    const kernel = await KernelClient.start();
    await kernel.execute('1');
    const pids = [kernel.process!.pid!, ...descendantsOf(kernel.process!.pid!)];
    assert.ok(pids.length >= 2, 'the kernel has an executor');
    await kernel.close();
    await waitForExit(pids);
  });

  it('death_of_the_launching_process_stops_the_kernel', async () => {
    // A launcher that starts a kernel as Jupyter does (JPY_PARENT_PID) and is then SIGKILLed.
    const launcher = spawn(process.execPath, ['-e', `
      const { KernelClient } = require(${JSON.stringify(require.resolve('../../kernel/client/client.js'))});
      KernelClient.start().then((k) => console.log(k.process.pid));
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(launcher.stdout!, 'data')) as [Buffer];
    const kernelPid = Number(String(line).trim());
    const pids = [kernelPid, ...descendantsOf(kernelPid)];
    launcher.kill('SIGKILL');
    await waitForExit(pids, 5000);
  });

  it('sigkill_of_kernel_stops_the_executor', async () => {
    const kernel = await KernelClient.start();
    assert.equal((await kernel.execute("console.log('busy'); (globalThis as any).spin = true")).reply.content.status, 'ok');
    // The executor is busy in a loop when its kernel dies: it must still notice.
    const spinning = kernel.execute("console.log('x'); while ((globalThis as any).spin) {}");
    void spinning.catch(() => {});
    const descendants = descendantsOf(kernel.process!.pid!);
    kernel.process!.kill('SIGKILL');
    await waitForExit([kernel.process!.pid!, ...descendants]);
    await kernel.close();
  });
});
