/**
 * The executor process on its own: spawned with the descriptors the supervisor
 * gives it (loom's fd table), driven over IPC, read on FRAMES_FD, answered on
 * INPUT_FD. No kernel, no mocks.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FRAMES_FD, INPUT_FD, LIFELINE_FD, type DoneFrame, type ExecuteCommand, type FromExecutor, type InputReply, type StreamFrame } from '../../kernel/executor/messages.js';

const MAIN = join(__dirname, '..', '..', 'kernel', 'executor', 'runtime', 'main.js');
const started: ChildProcess[] = [];

interface Run {
  parent: string;
  done: DoneFrame;
  /** Every frame of this cell up to its done. */
  frames: FromExecutor[];
}

class Executor {
  readonly child: ChildProcess;
  readonly frames: FromExecutor[] = [];
  private readonly waiters = new Set<() => void>();
  private count = 0;

  constructor() {
    this.child = spawn(process.execPath, [MAIN], { stdio: ['pipe', 'pipe', 'pipe', 'ipc', 'pipe', 'pipe', 'pipe'] });
    started.push(this.child);
    let partial = '';
    const frames = (this.child.stdio as unknown as Readable[])[FRAMES_FD]!;
    frames.setEncoding('utf8');
    frames.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) this.frames.push(JSON.parse(line) as FromExecutor);
      for (const wake of this.waiters) wake();
    });
    this.child.stdin!.on('error', () => {});
    (this.child.stdio as unknown as Writable[])[LIFELINE_FD]!.on('error', () => {});
    this.input.on('error', () => {});
  }

  get input(): Writable {
    return (this.child.stdio as unknown as Writable[])[INPUT_FD]!;
  }

  /** The first frame (received so far or later) that matches. */
  waitFor(match: (frame: FromExecutor) => boolean): Promise<FromExecutor> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.frames.find(match);
        if (!found) return;
        this.waiters.delete(check);
        resolve(found);
      };
      this.waiters.add(check);
      check();
    });
  }

  send(code: string, options: Partial<ExecuteCommand> = {}): string {
    const parent = options.parent ?? randomUUID();
    const command: ExecuteCommand = {
      type: 'execute', parent, code, executionCount: ++this.count, silent: false, userExpressions: {}, allowStdin: true, ...options,
    };
    this.child.send(command);
    return parent;
  }

  async execute(code: string, options: Partial<ExecuteCommand> = {}): Promise<Run> {
    const parent = this.send(code, options);
    return this.finished(parent);
  }

  async finished(parent: string): Promise<Run> {
    const done = (await this.waitFor((f) => f.type === 'done' && f.parent === parent)) as DoneFrame;
    const frames = this.frames.slice(0, this.frames.indexOf(done) + 1).filter((f) => 'parent' in f && f.parent === parent);
    return { parent, done, frames };
  }

  reply(reply: InputReply): void {
    this.input.write(`${JSON.stringify(reply)}\n`);
  }
}

function resultText(run: Run): string | undefined {
  const result = run.frames.find((f) => f.type === 'result');
  return result?.type === 'result' ? (result.data['text/plain'] as string) : undefined;
}

function output(run: Run, name: 'stdout' | 'stderr' = 'stdout'): string {
  return run.frames.filter((f): f is StreamFrame => f.type === 'stream' && f.name === name).map((f) => f.text).join('');
}

function assertOk(run: Run): void {
  assert.equal(run.done.status, 'ok', JSON.stringify(run.done.error));
}

async function startExecutor(): Promise<Executor> {
  const executor = new Executor();
  await executor.waitFor((f) => f.type === 'ready');
  return executor;
}

after(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('executor', { timeout: 60_000 }, () => {
  let executor: Executor;
  before(async () => {
    executor = await startExecutor();
  });

  it('says_ready_with_its_pid', async () => {
    const ready = await executor.waitFor((f) => f.type === 'ready');
    assert.deepEqual(ready, { type: 'ready', pid: executor.child.pid });
  });

  it('declarations_persist_and_can_be_declared_again', async () => {
    assertOk(await executor.execute('const x = 1;\nfunction twice(n: number) { return 2 * n }\nclass Box { constructor(readonly v: number) {} }'));
    assertOk(await executor.execute('const x = twice(20) + 1'));
    const run = await executor.execute('new Box(x + 1).v');
    assertOk(run);
    assert.equal(resultText(run), '42');
  });

  it('last_expression_is_the_result_formatted_like_the_repl', async () => {
    assert.equal(resultText(await executor.execute("({ a: 1, b: [1, 2], s: 'x' })")), "{ a: 1, b: [ 1, 2 ], s: 'x' }");
    assert.equal(resultText(await executor.execute('Promise.resolve(3)')), 'Promise { 3 }');
    const none = await executor.execute('const quiet = 1');
    assert.equal(resultText(none), undefined);
    assert.equal(resultText(await executor.execute('undefined')), undefined);
  });

  it('silent_cells_have_no_result', async () => {
    const run = await executor.execute('41 + 1', { silent: true });
    assertOk(run);
    assert.equal(resultText(run), undefined);
  });

  it('top_level_await_and_static_imports_work', async () => {
    const run = await executor.execute("import { join } from 'node:path';\nimport * as os from 'node:os';\nawait new Promise((r) => setTimeout(r, 1));\njoin('a', typeof os.cpus)");
    assertOk(run);
    assert.equal(resultText(run), "'a/function'");
    assert.equal(output(run, 'stderr'), '', 'no ExperimentalWarning from the loader');
    assert.equal(resultText(await executor.execute('join("b", "c")')), "'b/c'");
  });

  it('typescript_files_import_and_the_module_hooks_start_only_for_them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-executor-'));
    try {
      writeFileSync(join(dir, 'typed.ts'), 'export enum Answer { Yes = 42 }\nexport const typed: number = Answer.Yes;\n');
      const plain = await executor.execute("await import('node:util');\nprocess.sourceMapsEnabled");
      assert.equal(resultText(plain), 'false', 'built-ins and packages load without the hooks');
      const url = pathToFileURL(join(dir, 'typed.ts')).href;
      const typed = await executor.execute(`import { typed } from ${JSON.stringify(url)};\n[typed, process.sourceMapsEnabled]`);
      assertOk(typed);
      assert.equal(resultText(typed), '[ 42, true ]');
      assert.equal(output(typed, 'stderr'), '', 'no loader warnings');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('console_output_is_tagged_with_its_cell', async () => {
    const run = await executor.execute("console.log('hello', { a: [1, 2] }); console.error('oops'); process.stdout.write('raw')");
    assert.equal(output(run), "hello { a: [ 1, 2 ] }\nraw");
    assert.equal(output(run, 'stderr'), 'oops\n');
  });

  it('output_of_a_promise_started_by_an_earlier_cell_keeps_its_parent', async () => {
    const first = await executor.execute("let release!: () => void;\nnew Promise<void>((r) => { release = r }).then(() => console.log('from the first cell'))");
    const second = await executor.execute("release(); await null; console.log('from the second cell')");
    assertOk(second);
    assert.equal(output(second), 'from the second cell\n');
    const late = await executor.waitFor((f) => f.type === 'stream' && f.text === 'from the first cell\n');
    assert.equal((late as StreamFrame).parent, first.parent);
  });

  it('big_output_arrives_whole_in_bounded_frames', async () => {
    const run = await executor.execute("process.stdout.write('é\"\\n'.repeat(50000) + '😀'.repeat(30000))");
    const pieces = run.frames.filter((f): f is StreamFrame => f.type === 'stream');
    assert.ok(pieces.length > 1);
    for (const piece of pieces) assert.ok(Buffer.byteLength(JSON.stringify(piece)) + 1 <= 70_000);
    assert.equal(output(run), 'é"\n'.repeat(50000) + '😀'.repeat(30000));
  });

  it('many_small_writes_are_merged_into_few_frames', async () => {
    const run = await executor.execute('for (let i = 0; i < 10000; i++) console.log(i)');
    const pieces = run.frames.filter((f): f is StreamFrame => f.type === 'stream');
    assert.ok(pieces.length < 100, `${pieces.length} frames`);
    assert.equal(output(run), Array.from({ length: 10000 }, (_, i) => `${i}\n`).join(''));
  });

  it('runtime_errors_point_at_cell_lines_without_kernel_frames', async () => {
    assertOk(await executor.execute('function fail(): never {\n  throw new RangeError("too far");\n}'));
    const run = await executor.execute('const before = 1;\nfail();', { executionCount: 77 });
    assert.equal(run.done.status, 'error');
    const error = run.done.error!;
    assert.equal(error.ename, 'RangeError');
    assert.equal(error.evalue, 'too far');
    assert.equal(error.traceback[0], 'RangeError: too far');
    assert.ok(error.traceback.some((line) => /at fail \(cell \d+, line 2\)/.test(line)), error.traceback.join('\n'));
    assert.ok(error.traceback.includes('    at cell 77, line 2'), error.traceback.join('\n'));
    assert.ok(!error.traceback.some((line) => /dist\/kernel|node:internal|node:vm/.test(line)), error.traceback.join('\n'));
  });

  it('errors_thrown_inside_the_loom_library_show_the_cell_line_without_its_frames', async () => {
    const run = await executor.execute("import { Thread } from 'loom/threading';\nnew Thread({ target: 42 as never });", { executionCount: 79 });
    const error = run.done.error!;
    assert.equal(error.ename, 'ArgumentTypeError');
    assert.ok(error.traceback.includes('    at cell 79, line 2'), error.traceback.join('\n'));
    // Loom's own frames carry this install's paths: machinery, and links JupyterLab cannot open.
    assert.ok(!error.traceback.some((line) => /dist\/src\//.test(line)), error.traceback.join('\n'));
  });

  it('errors_after_an_await_still_map_to_cell_lines', async () => {
    const run = await executor.execute('await null;\n\nnull!.boom', { executionCount: 78 });
    assert.equal(run.done.error?.ename, 'TypeError');
    assert.ok(run.done.error!.traceback.includes('    at cell 78, line 3'), run.done.error!.traceback.join('\n'));
  });

  it('throwing_a_non_error_is_reported', async () => {
    const run = await executor.execute('throw 42');
    assert.deepEqual(run.done.error, { ename: 'Thrown', evalue: '42', traceback: ['Thrown: 42'] });
  });

  it('syntax_errors_name_the_cell_line', async () => {
    const run = await executor.execute('const ok = 1;\nconst = 2;', { executionCount: 79 });
    assert.equal(run.done.error?.ename, 'SyntaxError');
    assert.ok(run.done.error!.traceback.includes('    at cell 79, line 2'), run.done.error!.traceback.join('\n'));
    // Found by V8 rather than TypeScript (strict mode), still mapped to the line.
    const strict = await executor.execute('let a = 1;\nbreak;', { executionCount: 80 });
    assert.equal(strict.done.error?.ename, 'SyntaxError');
    assert.ok(strict.done.error!.traceback.includes('    at cell 80, line 2'), strict.done.error!.traceback.join('\n'));
  });

  it('display_sends_bundles_updates_and_clears', async () => {
    const run = await executor.execute([
      "display.html('<b>hi</b>');",
      "const handle = display('0%', { displayId: 'progress' });",
      "handle.update('100%');",
      "display({ 'text/plain': 'raw' }, { raw: true, metadata: { m: 1 } });",
      'display.png(Buffer.from([1, 2, 3]), { width: 10 });',
      'clearOutput({ wait: true });',
    ].join('\n'));
    assertOk(run);
    const shown = run.frames.filter((f) => f.type === 'display' || f.type === 'clear');
    assert.deepEqual(shown.map((f) => f.type === 'display' ? [f.data['text/html'] ?? f.data['image/png'] ?? f.data['text/plain'], f.displayId, f.update] : ['clear', f.wait]), [
      ['<b>hi</b>', undefined, false],
      ["'0%'", 'progress', false],
      ["'100%'", 'progress', true],
      ['raw', undefined, false],
      ['AQID', undefined, false],
      ['clear', true],
    ]);
    const png = shown[4]!;
    assert.deepEqual(png.type === 'display' && png.metadata, { 'image/png': { width: 10 } });
  });

  it('a_value_with_a_jupyter_display_method_is_shown_with_its_bundle', async () => {
    const run = await executor.execute("({ [Symbol.for('Jupyter.display')]() { return { 'text/html': '<i>me</i>' }; } })");
    const result = run.frames.find((f) => f.type === 'result');
    assert.equal(result?.type === 'result' && result.data['text/html'], '<i>me</i>');
    assert.ok(result?.type === 'result' && typeof result.data['text/plain'] === 'string');
  });

  it('input_blocks_until_the_reply_on_the_input_fd', async () => {
    const parent = executor.send("const answer = input('name? ');\nanswer.toUpperCase()");
    const request = await executor.waitFor((f) => f.type === 'input_request' && f.parent === parent);
    assert.deepEqual(request, { type: 'input_request', parent, prompt: 'name? ', password: false });
    executor.reply({ type: 'input_reply', value: 'ada' });
    assert.equal(resultText(await executor.finished(parent)), "'ADA'");
  });

  it('input_interrupted_raises_keyboard_interrupt_and_password_is_passed_on', async () => {
    const parent = executor.send("input('secret: ', { password: true })");
    const request = await executor.waitFor((f) => f.type === 'input_request' && f.parent === parent);
    assert.equal(request.type === 'input_request' && request.password, true);
    executor.reply({ type: 'input_interrupted' });
    const run = await executor.finished(parent);
    assert.equal(run.done.error?.ename, 'KeyboardInterrupt');
  });

  it('a_stale_reply_does_not_answer_the_next_input', async () => {
    // The kernel may answer a request whose cell was already stopped by SIGINT.
    executor.reply({ type: 'input_interrupted' });
    // Wait until it has surely arrived: a cell after the write sees it queued.
    await executor.execute('1');
    const parent = executor.send("input('again? ')");
    await executor.waitFor((f) => f.type === 'input_request' && f.parent === parent);
    executor.reply({ type: 'input_reply', value: 'fresh' });
    assert.equal(resultText(await executor.finished(parent)), "'fresh'");
  });

  it('interrupting_input_as_the_supervisor_does_leaves_the_next_input_working', async () => {
    // The supervisor writes input_interrupted and then sends SIGINT: either may stop the cell.
    for (const code of ["input('sync? ')", "await null;\ninput('async? ')"]) {
      const parent = executor.send(code);
      await executor.waitFor((f) => f.type === 'input_request' && f.parent === parent);
      executor.reply({ type: 'input_interrupted' });
      executor.child.kill('SIGINT');
      assert.equal((await executor.finished(parent)).done.error?.ename, 'KeyboardInterrupt');
    }
    const next = executor.send("input('next? ')");
    await executor.waitFor((f) => f.type === 'input_request' && f.parent === next);
    executor.reply({ type: 'input_reply', value: 'answer' });
    assert.equal(resultText(await executor.finished(next)), "'answer'");
  });

  it('input_without_allow_stdin_is_stdin_not_implemented', async () => {
    const run = await executor.execute("input('x')", { allowStdin: false });
    assert.equal(run.done.error?.ename, 'StdinNotImplementedError');
    const unavailable = executor.send("input('y')");
    await executor.waitFor((f) => f.type === 'input_request' && f.parent === unavailable);
    executor.reply({ type: 'input_unavailable' });
    assert.equal((await executor.finished(unavailable)).done.error?.ename, 'StdinNotImplementedError');
  });

  it('errors_from_timers_after_the_cell_are_late_errors_of_that_cell', async () => {
    const run = await executor.execute("setTimeout(() => { throw new Error('late boom') }, 20);\nsetTimeout(() => { Promise.reject(new TypeError('late reject')) }, 40);");
    assertOk(run);
    const thrown = await executor.waitFor((f) => f.type === 'late_error' && f.error.evalue === 'late boom');
    assert.equal(thrown.type === 'late_error' && thrown.parent, run.parent);
    const rejected = await executor.waitFor((f) => f.type === 'late_error' && f.error.evalue === 'late reject');
    assert.equal(rejected.type === 'late_error' && rejected.parent, run.parent);
    assert.equal(rejected.type === 'late_error' && rejected.error.ename, 'TypeError');
    assert.equal(resultText(await executor.execute('"still alive"')), "'still alive'");
  });

  it('a_late_error_goes_to_the_cell_that_started_it_even_while_another_runs', async () => {
    const first = await executor.execute("let fire!: () => void;\nnew Promise<void>((r) => { fire = r }).then(() => { throw new Error('from the first') })");
    const second = await executor.execute('fire();\nawait new Promise((r) => setImmediate(r));\nawait new Promise((r) => setImmediate(r));\n"second done"');
    assertOk(second);
    const late = await executor.waitFor((f) => f.type === 'late_error' && f.error.evalue === 'from the first');
    assert.equal(late.type === 'late_error' && late.parent, first.parent);
  });

  it('an_error_from_a_callback_while_its_cell_runs_fails_the_cell', async () => {
    const run = await executor.execute("setTimeout(() => { throw new SyntaxError('in a timer') }, 1);\nawait new Promise(() => {});");
    assert.equal(run.done.error?.ename, 'SyntaxError');
    assert.equal(run.done.error?.evalue, 'in a timer');
  });

  it('interrupting_a_busy_loop_keeps_variables', async () => {
    assertOk(await executor.execute('let kept = 5'));
    const parent = executor.send("kept = 6;\nconsole.log('spinning');\nfor (;;) {}");
    await executor.waitFor((f) => f.type === 'stream' && f.parent === parent);
    executor.child.kill('SIGINT');
    const run = await executor.finished(parent);
    assert.equal(run.done.error?.ename, 'KeyboardInterrupt');
    assert.equal(run.done.error?.evalue, 'Interrupted');
    assert.equal(resultText(await executor.execute('kept')), '6');
  });

  it('interrupting_an_await_fails_the_cell_and_the_process_lives', async () => {
    const parent = executor.send("await null;\nconsole.log('waiting');\nawait new Promise(() => {});");
    await executor.waitFor((f) => f.type === 'stream' && f.parent === parent);
    executor.child.kill('SIGINT');
    assert.equal((await executor.finished(parent)).done.error?.ename, 'KeyboardInterrupt');
    // An interrupt between cells is harmless.
    executor.child.kill('SIGINT');
    assert.equal(resultText(await executor.execute('kept + 1')), '7');
  });

  it('user_expressions_are_evaluated_after_the_cell', async () => {
    const run = await executor.execute('const ue = 20', { userExpressions: { double: 'ue * 2', bad: 'nope.x' } });
    assert.deepEqual(run.done.userExpressions.double, { status: 'ok', data: { 'text/plain': '40' }, metadata: {} });
    assert.equal(run.done.userExpressions.bad?.status, 'error');
    assert.equal(run.done.userExpressions.bad?.ename, 'ReferenceError');
  });
});

describe('executor lifetime', { timeout: 30_000 }, () => {
  it('dies_when_its_lifeline_closes_even_in_a_busy_loop', async () => {
    const executor = await startExecutor();
    const parent = executor.send("console.log('busy'); for (;;) {}");
    await executor.waitFor((f) => f.type === 'stream' && f.parent === parent);
    const exited = once(executor.child, 'exit');
    (executor.child.stdio as unknown as Writable[])[LIFELINE_FD]!.end();
    const [, signal] = await exited;
    assert.equal(signal, 'SIGKILL');
  });

  it('exits_cleanly_on_shutdown', async () => {
    const executor = await startExecutor();
    const exited = once(executor.child, 'exit');
    executor.child.send({ type: 'shutdown' });
    assert.deepEqual(await exited, [0, null]);
  });

  it('exits_when_the_ipc_channel_closes', async () => {
    const executor = await startExecutor();
    const exited = once(executor.child, 'exit');
    executor.child.disconnect();
    assert.deepEqual(await exited, [0, null]);
  });
});
