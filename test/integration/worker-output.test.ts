/**
 * Output and input of the processes and pool tasks that cells start, through
 * a real kernel: each reaches the cell that started (or submitted) the work,
 * live, also while that cell busy-loops and after it has ended.
 *
 * The loom imports run in a cell of their own: a cell's code after an import
 * runs after an await, where an interrupt cannot stop a busy loop at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KernelClient, type Message } from '../../kernel/client/client.js';
import { ofType, streamText } from '../helpers/outputs.js';
import { promptsInTurn } from '../helpers/prompts.js';
import { closeWithChildren } from '../helpers/notebook-kernel.js';

describe('processes and pool tasks started by cells', () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await KernelClient.start();
    const imports = await kernel.execute(
      [
        "import { Process, Pool, ThreadPool, Queue } from 'loom/multiprocessing';",
        "import { ThreadPoolExecutor, ProcessPoolExecutor } from 'loom/futures';",
      ].join('\n'),
    );
    assert.equal(imports.reply.content.status, 'ok', imports.reply.content.evalue);
  });
  // Every process the cells started ends with the kernel.
  after(() => closeWithChildren(kernel));

  /** Runs a cell that must succeed. */
  async function ok(code: string, options: Parameters<KernelClient['execute']>[1] = {}): Promise<Message[]> {
    const { reply, iopub } = await kernel.execute(code, options);
    assert.equal(reply.content.status, 'ok', `${reply.content.ename}: ${reply.content.evalue}`);
    return iopub;
  }

  /** Collects the stream text that reaches cell `msgId` from now on (it may have ended long ago). */
  function collect(msgId: string): { text: () => string; stop: () => void } {
    let text = '';
    const stop = kernel.listen(msgId, (m) => {
      if (m.header.msg_type === 'stream') text += String(m.content.text);
    });
    return { text: () => text, stop };
  }

  it('process_output_reaches_its_cell_while_main_spins', async () => {
    // The process prints, then sleeps; the cell spins on isAlive() without yielding. The test
    // interrupts the cell only once the line has arrived, so the cell can only end if that
    // output got out while the main code was spinning.
    const { reply, iopub } = await kernel.execute(
      [
        'const sleeper = new Process({ target: () => {',
        "  console.log('from the process');",
        '  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10000);',
        '} });',
        'sleeper.start();',
        'while (sleeper.isAlive()) {}',
      ].join('\n'),
      { onOutput: (m) => m.header.msg_type === 'stream' && String(m.content.text).includes('from the process') && void kernel.interrupt() },
    );
    assert.equal(reply.content.ename, 'KeyboardInterrupt', reply.content.evalue);
    assert.equal(streamText(iopub), 'from the process\n');
    await ok('sleeper.terminate(); await sleeper.join();');
  });

  it('process_output_after_cell_ends_stays_in_its_cell', async () => {
    const first = await kernel.execute(
      [
        'const go = new Queue();',
        "const late = new Process({ target: (go: Queue<string>) => { go.getSync(); console.log('late line'); }, args: [go] });",
        'late.start();',
      ].join('\n'),
    );
    assert.equal(first.reply.content.status, 'ok', first.reply.content.evalue);
    const toFirst = collect(first.reply.parent_header.msg_id!);
    try {
      // The line is out before the process is seen to exit, so before this cell ends.
      const second = await ok("go.putSync('go'); await late.join(); 1");
      assert.equal(toFirst.text(), 'late line\n');
      assert.equal(streamText(second), '');
      assert.equal(ofType(second, 'execute_result').length, 1);
    } finally {
      toFirst.stop();
    }
  });

  /**
   * A pool made in one cell; a later cell submits a task that waits, and runs a map; the cell
   * after that lets the task finish. Everything the tasks print belongs to the submitting cell:
   * not to the cell that made the pool, nor to the cell running when the output comes.
   */
  async function submittingCellGetsTheOutput(make: string): Promise<void> {
    const made = await kernel.execute(`${make}\nconst release = new Queue<string>();`);
    assert.equal(made.reply.content.status, 'ok', made.reply.content.evalue);
    const toMaker = collect(made.reply.parent_header.msg_id!);
    try {
      const submitted = await ok(
        [
          "const waiting = workers.applyAsync((release: Queue<string>) => { release.getSync(); console.log('waited'); return 1; }, [release]);",
          "workers.mapSync((x: number) => { console.log('task', x); return x * 2; }, [1, 2, 3], 1)",
        ].join('\n'),
      );
      assert.deepEqual(streamText(submitted).split('\n').filter(Boolean).sort(), ['task 1', 'task 2', 'task 3']);
      assert.equal(ofType(submitted, 'execute_result')[0].content.data['text/plain'], '[ 2, 4, 6 ]');
      const toSubmitter = collect(submitted[0].parent_header.msg_id!);
      try {
        const released = await ok("release.putSync('go'); waiting.getSync()");
        assert.equal(streamText(released), '');
        assert.equal(toSubmitter.text(), 'waited\n');
      } finally {
        toSubmitter.stop();
      }
      await ok('workers.terminate(); await workers.join();');
      assert.equal(toMaker.text(), '');
    } finally {
      toMaker.stop();
    }
  }

  it('pool_task_output_goes_to_the_submitting_cell', async () => {
    await submittingCellGetsTheOutput('const workers = new Pool(2);');
  });

  it('thread_pool_task_output_goes_to_the_submitting_cell', async () => {
    await submittingCellGetsTheOutput('const workers = new ThreadPool(2);');
  });

  it('executor_task_output_goes_to_the_submitting_cell', async () => {
    const made = await kernel.execute('const tpe = new ThreadPoolExecutor({ maxWorkers: 2 }); const ppe = new ProcessPoolExecutor({ maxWorkers: 2 });');
    assert.equal(made.reply.content.status, 'ok', made.reply.content.evalue);
    const toMaker = collect(made.reply.parent_header.msg_id!);
    try {
      const used = await ok(
        [
          "tpe.submit((x: number) => console.log('thread future', x), 1).resultSync();",
          "ppe.submit((x: number) => console.log('process future', x), 2).resultSync();",
        ].join('\n'),
      );
      assert.equal(streamText(used), 'thread future 1\nprocess future 2\n');
      await ok('await tpe.shutdown(); await ppe.shutdown();');
      assert.equal(toMaker.text(), '');
    } finally {
      toMaker.stop();
    }
  });

  it('process_exception_is_reported_in_its_cell', async () => {
    // Nobody joins the process: Python prints its traceback to stderr, and so does loom, in the cell.
    const { iopub } = await kernel.execute(
      [
        "const failing = new Process({ target: function explode() { throw new RangeError('process boom'); }, name: 'failing' });",
        'failing.start();',
        'while (failing.isAlive()) {}',
        'failing.exitCode',
      ].join('\n'),
    );
    assert.match(streamText(iopub, 'stderr'), /^Exception in process failing \(pid \d+\):\nRangeError: process boom\n\s+at .*explode/);
    assert.equal(ofType(iopub, 'execute_result')[0].content.data['text/plain'], '1');
  });

  it('input_from_process_reaches_frontend', async () => {
    const prompts: string[] = [];
    const iopub = await ok(
      [
        'class Asker extends Process {',
        '  override run() {',
        "    const line = input('name, please: ');",
        "    console.log('the process got', line);",
        '  }',
        '}',
        'const asker = new Asker();',
        'asker.start();',
        'while (asker.isAlive()) {}',
      ].join('\n'),
      { onInput: (prompt) => (prompts.push(prompt), 'Ada') },
    );
    assert.deepEqual(prompts, ['name, please: ']);
    assert.equal(streamText(iopub), 'the process got Ada\n');
  });

  it('two_processes_asking_for_input_are_asked_in_turn', async () => {
    // Both children ask through the same hub. As with threads, a prompt is answered only once
    // both processes have said they are about to ask: the second must not be open by then.
    const answers = promptsInTurn(['a', 'b']);
    const iopub = await ok(
      [
        'const ask = (name: string) => {',
        '  console.log(`${name} asks`);',
        '  console.log(`${name} got ${input(`${name}? `)}`);',
        '};',
        "const first = new Process({ target: ask, args: ['a'] });",
        "const second = new Process({ target: ask, args: ['b'] });",
        'first.start();',
        'second.start();',
        'while (first.isAlive() || second.isAlive()) {}',
      ].join('\n'),
      answers,
    );
    assert.deepEqual([...answers.prompts].sort(), ['a? ', 'b? ']);
    assert.equal(answers.mostOpen(), 1);
    const lines = streamText(iopub).split('\n');
    assert.ok(lines.includes('a got answer to a?'), streamText(iopub));
    assert.ok(lines.includes('b got answer to b?'), streamText(iopub));
  });

  it('interrupting_a_process_waiting_for_input_terminates_it', async () => {
    const { reply } = await kernel.execute(
      [
        "const waiting = new Process({ target: () => input('nobody answers: ') });",
        'waiting.start();',
        'while (waiting.isAlive()) {}',
      ].join('\n'),
      { onInput: () => (void kernel.interrupt(), new Promise<string>(() => {})) },
    );
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    // The interrupt stops what the cell started: the process is terminated (SIGTERM) before its
    // input() would throw KeyboardInterrupt (that waits 200 ms for the cell to stop first).
    const joined = await ok("let why = ''; try { await waiting.join(); } catch (error) { why = (error as Error).name; } [why, waiting.exitCode]");
    assert.equal(ofType(joined, 'execute_result')[0].content.data['text/plain'], "[ '', -15 ]");
    // The turn to ask is free again, and no stale answer is waiting.
    const next = await ok("input('still there? ')", { onInput: () => 'yes' });
    assert.equal(ofType(next, 'execute_result')[0].content.data['text/plain'], "'yes'");
  });
});
