/**
 * JupyterLab's debugger against a real kernel: the DAP requests in the order
 * JupyterLab sends them (initialize, attach, debugInfo, dumpCell,
 * setBreakpoints, configurationDone, then stackTrace, scopes, variables...
 * on a stop), over real ZeroMQ sockets, with the executor really paused by
 * V8's inspector. Shapes as ipykernel's debugger answers them (its
 * tests/test_debugger.py asks the same of it).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { KernelClient } from '../../kernel/client/client.js';
import { murmur2 } from '../../kernel/debugger/murmur2.js';
import { DebugSession } from '../helpers/debug-session.js';
import { descendantsOf, waitForExit } from '../helpers/processes.js';
import { ofType, streamText } from '../helpers/outputs.js';

/** dumpCell, then setBreakpoints on those cell lines, as JupyterLab does on a click in the gutter. */
async function breakOn(debug: DebugSession, code: string, lines: number[]): Promise<{ path: string; breakpoints: { verified: boolean; line: number }[] }> {
  const dumped = await debug.request('dumpCell', { code });
  const path: string = dumped.body.sourcePath;
  const set = await debug.request('setBreakpoints', { source: { path }, breakpoints: lines.map((line) => ({ line })), sourceModified: false });
  assert.equal(set.success, true, set.message);
  return { path, breakpoints: set.body.breakpoints };
}

describe('debugger: off until a client turns it on', () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await KernelClient.start({ cwd: tmpdir() });
  });
  after(() => kernel.close());

  it('kernel_info_says_debugger_and_no_relay_runs_before_attach', async () => {
    const info = await kernel.request('shell', 'kernel_info_request');
    assert.equal(info.content.debugger, true);
    // What attach installs in the executor (debug-start.ts) is absent: nothing was started.
    const { iopub } = await kernel.execute("(globalThis as any)[Symbol.for('loom.debugger.helpers')] === undefined");
    assert.equal(ofType(iopub, 'execute_result')[0]!.content.data['text/plain'], 'true');
  });

  it('requests_before_initialize_are_refused_with_a_reason', async () => {
    const debug = new DebugSession(kernel);
    const reply = await debug.request('stackTrace', { threadId: 1 });
    assert.equal(reply.success, false);
    assert.match(reply.message, /not started/);
    const unknown = await debug.request('launch');
    assert.equal(unknown.success, false);
    assert.match(unknown.message, /not supported/);
    debug.close();
  });
});

describe('debugger: breakpoints, stack, variables, steps', () => {
  let kernel: KernelClient;
  let debug: DebugSession;
  const helperCell = 'function area(width: number, height: number): number {\n  const product = width * height;\n  return product;\n}';
  const mainCell = [
    "class Point { constructor(public x: number, public y: number) {} }",
    "const seen = new Map<string, number>([['a', 1], ['b', 2]]);",
    'const p = new Point(3, 4);',
    'let total = area(p.x, p.y);',
    "console.log('total', total);",
    'total + 1',
  ].join('\n');

  before(async () => {
    kernel = await KernelClient.start({ cwd: tmpdir() });
    debug = new DebugSession(kernel);
    await debug.start();
  });
  after(async () => {
    debug.close();
    await kernel.close();
  });

  it('attach_announces_initialized_as_ipykernel_forwards_it_from_debugpy', async () => {
    // JupyterLab's debugger-extension opens its sidebar on this event (ipykernel's debugger.py waits for debugpy's).
    const initialized = await debug.next('initialized', 10_000);
    assert.deepEqual(initialized.body, {});
  });

  it('debugInfo_names_cells_as_jupyterlab_computes_them', async () => {
    const info = await debug.request('debugInfo');
    assert.equal(info.success, true);
    assert.equal(info.body.isStarted, true);
    assert.equal(info.body.hashMethod, 'Murmur2');
    assert.equal(info.body.tmpFileSuffix, '.ts');
    assert.deepEqual(info.body.stoppedThreads, []);
    const dumped = await debug.request('dumpCell', { code: helperCell });
    assert.equal(dumped.body.sourcePath, `${info.body.tmpFilePrefix}${murmur2(helperCell, info.body.hashSeed)}.ts`);
    assert.equal(readFileSync(dumped.body.sourcePath, 'utf8'), helperCell);
  });

  it('a_breakpoint_stops_on_its_cell_line_and_the_cell_ends_normally', async () => {
    await kernel.execute(helperCell);
    const { path, breakpoints } = await breakOn(debug, mainCell, [4]);
    assert.deepEqual(breakpoints.map((bp) => [bp.verified, bp.line]), [[true, 4]]);
    const run = kernel.execute(mainCell);
    const stop = await debug.stopped();
    assert.equal(stop.reason, 'breakpoint');
    assert.equal(stop.frames[0]!.line, 4);
    assert.equal(stop.frames[0]!.source?.path, path);
    assert.deepEqual((await debug.request('debugInfo')).body.stoppedThreads, [1]);
    assert.ok(await kernel.ping(5000), 'the heartbeat answers while a cell is paused');

    const globals = await debug.variables(stop.frames[0]!.id, 'Globals');
    assert.equal(globals.get('seen')!.value, 'Map(2) {"a" => 1, "b" => 2}');
    assert.equal(globals.get('p')!.value, 'Point {x: 3, y: 4}');
    assert.equal(globals.get('total')!.value, 'undefined');
    assert.ok(globals.has('area'), 'a function an earlier cell declared');
    assert.ok(!globals.has('process') && !globals.has('console'), "Node's own globals are not the notebook's");
    const entries = await debug.request('variables', { variablesReference: globals.get('seen')!.variablesReference });
    assert.ok(entries.body.variables.some((v: { name: string }) => v.name === '[[Entries]]'), 'a Map expands to its entries');

    const evaluated = await debug.request('evaluate', { expression: '(p.x as number) * 10', frameId: stop.frames[0]!.id, context: 'repl' });
    assert.equal(evaluated.body.result, '30');
    const rich = await debug.request('richInspectVariables', { variableName: 'seen', frameId: stop.frames[0]!.id });
    assert.equal(rich.body.data['text/plain'], "Map(2) { 'a' => 1, 'b' => 2 }");

    await debug.request('continue', { threadId: 1 });
    await debug.next('continued');
    const { reply, iopub } = await run;
    assert.equal(reply.content.status, 'ok');
    assert.equal(streamText(iopub), 'total 12\n');
    assert.equal(ofType(iopub, 'execute_result')[0]!.content.data['text/plain'], '13');
  });

  it('steps_go_into_a_function_of_an_earlier_cell_over_and_out_by_cell_lines', async () => {
    const helperPath = (await debug.request('dumpCell', { code: helperCell })).body.sourcePath;
    const { path } = await breakOn(debug, mainCell, [4]);
    const run = kernel.execute(mainCell);
    await debug.stopped();

    await debug.request('stepIn', { threadId: 1 });
    let stop = await debug.stopped();
    assert.equal(stop.reason, 'step');
    assert.deepEqual([stop.frames[0]!.name, stop.frames[0]!.line, stop.frames[0]!.source?.path], ['area', 2, helperPath]);
    assert.equal(stop.frames[1]!.source?.path, path);
    const locals = await debug.variables(stop.frames[0]!.id, 'Locals');
    assert.equal(locals.get('width')!.value, '3');
    assert.equal(locals.get('height')!.value, '4');

    await debug.request('next', { threadId: 1 });
    stop = await debug.stopped();
    assert.deepEqual([stop.frames[0]!.name, stop.frames[0]!.line], ['area', 3]);
    assert.equal((await debug.variables(stop.frames[0]!.id, 'Locals')).get('product')!.value, '12');

    await debug.request('stepOut', { threadId: 1 });
    stop = await debug.stopped();
    assert.equal(stop.frames[0]!.source?.path, path, 'back in the cell');
    assert.ok(stop.frames[0]!.line >= 4);

    await debug.request('continue', { threadId: 1 });
    assert.equal((await run).reply.content.status, 'ok');
  });

  it('a_breakpoint_on_a_line_without_code_moves_to_the_next_line_with_code', async () => {
    const code = 'let a = 1;\n\n// a comment\na = a + 1;\na';
    const { breakpoints } = await breakOn(debug, code, [2]);
    assert.deepEqual(breakpoints.map((bp) => [bp.verified, bp.line]), [[true, 4]]);
    const run = kernel.execute(code);
    assert.equal((await debug.stopped()).frames[0]!.line, 4);
    await debug.request('continue', { threadId: 1 });
    assert.equal((await run).reply.content.status, 'ok');
    await breakOn(debug, code, []);
  });

  it('inspectVariables_answers_at_once_while_stopped', async () => {
    // JupyterLab sends it as a cell starts and puts the reply in its Variables panel (a failed
    // reply breaks the panel); V8 answers Runtime.evaluate only after a resume, so a stopped
    // cell is read on its paused frame.
    const { path } = await breakOn(debug, mainCell, [4]);
    const run = kernel.execute(mainCell);
    await debug.stopped();
    const reply = await debug.request('inspectVariables');
    assert.equal(reply.success, true, reply.message);
    const names = reply.body.variables.map((v: { name: string }) => v.name);
    assert.ok(names.includes('seen') && names.includes('area'), names.join(', '));
    await debug.request('continue', { threadId: 1 });
    assert.equal((await run).reply.content.status, 'ok');
    await debug.request('setBreakpoints', { source: { path }, breakpoints: [], sourceModified: false });
  });

  it('inspectVariables_lists_the_notebook_declarations_when_not_stopped', async () => {
    const reply = await debug.request('inspectVariables');
    const names = reply.body.variables.map((v: { name: string }) => v.name);
    assert.ok(names.includes('area') && names.includes('total') && names.includes('seen'), names.join(', '));
    assert.ok(!names.includes('process'));
    const rich = await debug.request('richInspectVariables', { variableName: 'total' });
    assert.equal(rich.body.data['text/plain'], '12');
  });

  it('the_rich_view_shows_a_variable_as_the_cell_would_display_it', async () => {
    await kernel.execute("import { table } from 'loom/display';\nconst scores = table([{ name: 'ada', score: 3 }]);");
    const rich = await debug.request('richInspectVariables', { variableName: 'scores' });
    assert.match(rich.body.data['text/html'], /<table[\s\S]*ada/);
    const odd = await debug.request('richInspectVariables', { variableName: 'scores; process.exit()' });
    assert.deepEqual(odd.body, { data: {}, metadata: {} }, 'only a name is inspected');
  });

  it('copyToGlobals_and_source_answer_as_jupyterlab_expects', async () => {
    const code = 'function inner() {\n  const secret = 7;\n  return secret;\n}\ninner()';
    const { path } = await breakOn(debug, code, [3]);
    const run = kernel.execute(code);
    const stop = await debug.stopped();
    const copied = await debug.request('copyToGlobals', { srcVariableName: 'secret', dstVariableName: 'exposed', srcFrameId: stop.frames[0]!.id });
    assert.equal(copied.success, true);
    const source = await debug.request('source', { source: { path }, sourceReference: 0 });
    assert.equal(source.body.content, code);
    await debug.request('continue', { threadId: 1 });
    await run;
    await breakOn(debug, code, []);
    assert.equal(ofType((await kernel.execute('exposed')).iopub, 'execute_result')[0]!.content.data['text/plain'], '7');
    const redeclared = await kernel.execute('const exposed = 8;\nexposed');
    assert.equal(ofType(redeclared.iopub, 'execute_result')[0]?.content.data['text/plain'], '8', JSON.stringify(redeclared.reply.content));
  });

  it('disconnect_removes_the_breakpoints_and_a_second_client_can_attach', async () => {
    await breakOn(debug, mainCell, [4]);
    await debug.request('disconnect', { restart: false, terminateDebuggee: false });
    debug.close();
    const { reply } = await kernel.execute(mainCell);
    assert.equal(reply.content.status, 'ok');

    debug = new DebugSession(kernel);
    await debug.start();
    assert.deepEqual((await debug.request('debugInfo')).body.breakpoints, []);
    const { path } = await breakOn(debug, mainCell, [5]);
    const run = kernel.execute(mainCell);
    const stop = await debug.stopped();
    assert.deepEqual([stop.frames[0]!.line, stop.frames[0]!.source?.path], [5, path]);
    await debug.request('continue', { threadId: 1 });
    assert.equal((await run).reply.content.status, 'ok');
  });
});

describe('debugger: exceptions, interrupt, input, shutdown while paused', () => {
  let kernel: KernelClient;
  let debug: DebugSession;
  const risky = "function risky(n: number): number {\n  if (n > 1) throw new RangeError('too big: ' + n);\n  return n;\n}";

  before(async () => {
    kernel = await KernelClient.start({ cwd: tmpdir() });
    debug = new DebugSession(kernel);
    await debug.start();
    await kernel.execute(risky);
  });
  after(async () => {
    debug.close();
    await kernel.close();
  });

  it('uncaught_exceptions_stop_at_the_throw_and_caught_ones_do_not', async () => {
    await debug.request('setExceptionBreakpoints', { filters: ['uncaught'] });
    const caught = await kernel.execute("let note = '';\ntry { risky(5) } catch (e) { note = String(e) }\nnote");
    assert.equal(ofType(caught.iopub, 'execute_result')[0]!.content.data['text/plain'], "'RangeError: too big: 5'");
    const run = kernel.execute('const fine = risky(1);\nrisky(7)');
    const stop = await debug.stopped();
    assert.equal(stop.reason, 'exception');
    assert.equal(stop.text, 'RangeError: too big: 7');
    assert.deepEqual(stop.frames.map((f) => [f.name, f.line]).slice(0, 2), [['risky', 2], ['<cell 3>', 2]]);
    await debug.request('continue', { threadId: 1 });
    const { reply } = await run;
    assert.equal(reply.content.ename, 'RangeError');
  });

  it('raised_exceptions_stop_also_where_they_are_caught', async () => {
    await debug.request('setExceptionBreakpoints', { filters: ['raised'] });
    const run = kernel.execute('try { risky(9) } catch { }');
    const stop = await debug.stopped();
    assert.equal(stop.text, 'RangeError: too big: 9');
    await debug.request('continue', { threadId: 1 });
    assert.equal((await run).reply.content.status, 'ok');
    await debug.request('setExceptionBreakpoints', { filters: [] });
  });

  it('an_interrupt_while_paused_stops_the_cell_and_the_next_cell_runs', async () => {
    const loop = 'let spins = 0;\nwhile (true) {\n  spins++;\n}';
    await breakOn(debug, loop, [3]);
    const run = kernel.execute(loop);
    await debug.stopped();
    await kernel.interrupt();
    const { reply } = await run;
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    await breakOn(debug, loop, []);
    const after = await kernel.execute('spins >= 0');
    assert.equal(ofType(after.iopub, 'execute_result')[0]!.content.data['text/plain'], 'true');
  });

  it('pause_stops_a_busy_cell_where_it_is', async () => {
    // Ask only once the loop runs (its first output says so): before that there is nothing to stop.
    let spinning: () => void = () => {};
    const started = new Promise<void>((resolve) => (spinning = resolve));
    const run = kernel.execute("console.log('spinning');\nlet laps = 0;\nwhile (true) {\n  laps++;\n}", {
      onOutput: (message) => {
        if (message.header.msg_type === 'stream') spinning();
      },
    });
    await started;
    // The variable explorer asks while the cell runs: each answer comes (V8's REPL mode would wait for a
    // microtask turn the loop never gives, and every answer after the first timed out).
    for (let ask = 0; ask < 3; ask++) {
      const listed = await debug.request('inspectVariables');
      assert.equal(listed.message, undefined, listed.message);
      assert.ok(listed.body.variables.some((v: { name: string }) => v.name === 'laps'));
    }
    await debug.request('pause', { threadId: 1 });
    const stop = await debug.stopped();
    assert.equal(stop.reason, 'pause');
    assert.ok([3, 4].includes(stop.frames[0]!.line), `stopped in the loop, not on line ${stop.frames[0]!.line}`);
    await kernel.interrupt();
    assert.equal((await run).reply.content.ename, 'KeyboardInterrupt');
  });

  it('input_works_under_the_debugger', async () => {
    const code = "const who = input('name? ');\nconst greeting = 'hi ' + who;\ngreeting";
    await breakOn(debug, code, [2]);
    const run = kernel.execute(code, { onInput: () => 'ada' });
    const stop = await debug.stopped();
    assert.equal(stop.frames[0]!.line, 2);
    assert.equal((await debug.variables(stop.frames[0]!.id, 'Globals')).get('who')!.value, '"ada"');
    await debug.request('continue', { threadId: 1 });
    assert.equal(ofType((await run).iopub, 'execute_result')[0]!.content.data['text/plain'], "'hi ada'");
  });

  it('a_kernel_restarted_while_paused_leaves_no_process', async () => {
    const code = 'let k = 1;\nk = k + 1;';
    await breakOn(debug, code, [2]);
    void kernel.execute(code).catch(() => undefined);
    await debug.stopped();
    const pid = kernel.process!.pid!;
    const children = descendantsOf(pid);
    assert.ok(children.length > 0, 'the executor runs');
    // A restart, as Jupyter's kernel manager asks for it: the kernel ends, its client starts another.
    const shutdown = await kernel.request('control', 'shutdown_request', { restart: true });
    assert.deepEqual(shutdown.content, { status: 'ok', restart: true });
    await kernel.close();
    await waitForExit(children, 10_000);
  });
});

describe('debugger: code that cells send to threads', () => {
  let kernel: KernelClient;
  let debug: DebugSession;
  const work = 'function work(n: number): number {\n  let total = 0;\n  for (let i = 0; i < n; i++) total += i;\n  return total;\n}';

  before(async () => {
    kernel = await KernelClient.start({ cwd: tmpdir() });
    debug = new DebugSession(kernel);
    await debug.start();
    await kernel.execute("import { Thread } from 'loom/threading';\nimport { ThreadPoolExecutor } from 'loom/futures';");
    await kernel.execute(work);
  });
  after(async () => {
    debug.close();
    await kernel.close();
  });

  it('a_breakpoint_in_a_function_a_thread_runs_stops_that_thread_only', async () => {
    const { path } = await breakOn(debug, work, [4]);
    const run = kernel.execute("const t = new Thread({ target: () => console.log('sum', work(5)), name: 'Summer' });\nt.start();\nawait t.join();");
    const started = await debug.next('thread');
    assert.equal(started.body.reason, 'started');
    const stop = await debug.stopped();
    const threadId = started.body.threadId;
    assert.notEqual(threadId, 1);
    const threads = (await debug.request('threads')).body.threads;
    assert.deepEqual(threads.find((t: { id: number }) => t.id === threadId)?.name, 'Summer');
    assert.deepEqual([stop.frames[0]!.name, stop.frames[0]!.line, stop.frames[0]!.source?.path], ['work', 4, path]);
    const locals = await debug.variables(stop.frames[0]!.id, 'Locals');
    assert.deepEqual([locals.get('n')!.value, locals.get('total')!.value], ['5', '10']);
    const inThread = await debug.request('evaluate', { expression: 'total * 2', frameId: stop.frames[0]!.id, context: 'repl' });
    assert.equal(inThread.body.result, '20');
    // The main thread is not stopped: it answers (it waits in join's await).
    const inMain = await debug.request('evaluate', { expression: 'typeof t', context: 'repl' });
    assert.equal(inMain.body.result, '"object"');
    await debug.request('continue', { threadId });
    const { reply, iopub } = await run;
    assert.equal(reply.content.status, 'ok');
    assert.equal(streamText(iopub), 'sum 10\n');
    await breakOn(debug, work, []);
  });

  it('a_breakpoint_in_a_thread_pool_task_stops_its_worker', async () => {
    const { path } = await breakOn(debug, work, [2]);
    const run = kernel.execute('const pool = new ThreadPoolExecutor({ maxWorkers: 1 });\nconst answer = await pool.submit(work, 4).result();\nawait pool.shutdown();\nanswer');
    const stop = await debug.stopped();
    assert.deepEqual([stop.frames[0]!.name, stop.frames[0]!.line, stop.frames[0]!.source?.path], ['work', 2, path]);
    await breakOn(debug, work, []);
    await debug.request('continue', { threadId: (await debug.request('debugInfo')).body.stoppedThreads[0] });
    const { iopub } = await run;
    assert.equal(ofType(iopub, 'execute_result')[0]!.content.data['text/plain'], '6');
  });
});
