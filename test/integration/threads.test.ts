import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KernelClient } from '../../kernel/client/client.js';
import { ofType, streamText } from '../helpers/outputs.js';
import { promptsInTurn } from '../helpers/prompts.js';

describe('threads started by cells', () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await KernelClient.start();
    // In a cell of its own: a cell's code after an import runs after an await, where an
    // interrupt cannot stop a busy loop at once.
    const imports = await kernel.execute("import { Thread, Event } from 'loom/threading';");
    assert.equal(imports.reply.content.status, 'ok', imports.reply.content.evalue);
  });
  after(() => kernel.close());

  it('thread_output_reaches_its_cell_while_main_spins', async () => {
    // The thread prints, then sleeps; the cell spins on isAlive() without yielding.
    // The test interrupts the cell only once the thread's line has arrived, so the
    // cell can only end if that output got out while the main code was spinning.
    const { reply, iopub } = await kernel.execute(
      [
        'const sleeper = new Thread({ target: () => {',
        "  console.log('from the thread');",
        '  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5000);',
        '}, daemon: true });',
        'sleeper.start();',
        'while (sleeper.isAlive()) {}',
      ].join('\n'),
      { onOutput: (m) => m.header.msg_type === 'stream' && String(m.content.text).includes('from the thread') && void kernel.interrupt() },
    );
    assert.equal(reply.content.ename, 'KeyboardInterrupt', reply.content.evalue);
    assert.equal(streamText(iopub), 'from the thread\n');
  });

  it('thread_output_goes_to_the_cell_that_started_it_not_the_next_one', async () => {
    const first = await kernel.execute(
      [
        'const go = new Event();',
        "const late = new Thread({ target: (go: Event) => { go.waitSync(); console.log('late line'); }, args: [go] });",
        'late.start();',
      ].join('\n'),
    );
    assert.equal(first.reply.content.status, 'ok', first.reply.content.evalue);
    const lateLine = new Promise<string>((resolve) => {
      kernel.listen(first.reply.parent_header.msg_id!, (m) => m.header.msg_type === 'stream' && resolve(String(m.content.text)));
    });
    const second = await kernel.execute('go.set(); await late.join(); 1');
    assert.equal(await lateLine, 'late line\n');
    assert.equal(streamText(second.iopub), '');
    assert.equal(ofType(second.iopub, 'execute_result').length, 1);
  });

  it('thread_exception_is_reported_in_its_cell', async () => {
    // Nobody joins the thread: Python prints "Exception in thread ..." and the traceback to stderr, at once.
    const first = await kernel.execute(
      [
        "const failing = new Thread({ target: function explode() { throw new TypeError('thread boom'); } });",
        'failing.start();',
        'while (failing.isAlive()) {}',
      ].join('\n'),
    );
    assert.equal(first.reply.content.status, 'ok', first.reply.content.evalue);
    assert.match(streamText(first.iopub, 'stderr'), /^Exception in thread Thread-\d+ \(explode\):\nTypeError: thread boom\n\s+at .*explode/);
    // Once the thread has exited, nothing reports it a second time.
    await kernel.execute("import { whenWorkersExited } from 'loom'; await whenWorkersExited(5000);");
    const reports = kernel.allIopub.filter((m) => m.parent_header.msg_id === first.reply.parent_header.msg_id && String(m.content.text ?? '').includes('thread boom'));
    assert.equal(reports.length, 1);
  });

  it('input_from_thread_reaches_frontend', async () => {
    // The chapter's InputReader (13.2.2): the thread asks, the main code computes squares until it is done.
    const prompts: string[] = [];
    const { reply, iopub } = await kernel.execute(
      [
        'class InputReader extends Thread {',
        "  lineOfText = '';",
        '  override run() {',
        "    this.lineOfText = input('enter some text while i calculate: ');",
        '  }',
        '}',
        'const thread = new InputReader();',
        'thread.start();',
        'let count = 1;',
        'let result = 1;',
        'while (thread.isAlive()) {',
        '  result = count * count;',
        '  count += 1;',
        '}',
        'console.log(`calculated squares up to ${count}`);',
        'console.log(`while you typed ${thread.lineOfText}`);',
      ].join('\n'),
      { onInput: (prompt) => (prompts.push(prompt), 'some text') },
    );
    assert.equal(reply.content.status, 'ok', reply.content.evalue);
    assert.deepEqual(prompts, ['enter some text while i calculate: ']);
    assert.match(streamText(iopub), /^calculated squares up to \d+\nwhile you typed some text\n$/);
  });

  it('two_threads_asking_for_input_are_asked_in_turn', async () => {
    // Each thread says it is about to ask, then asks. The test answers a prompt only once both
    // have said so: were the prompts not taken in turn, the second would be open by then.
    const answers = promptsInTurn(['a', 'b']);
    const { reply, iopub } = await kernel.execute(
      [
        'const ask = (name: string) => {',
        '  console.log(`${name} asks`);',
        '  console.log(`${name} got ${input(`${name}? `)}`);',
        '};',
        "const a = new Thread({ target: ask, args: ['a'] });",
        "const b = new Thread({ target: ask, args: ['b'] });",
        'a.start();',
        'b.start();',
        'while (a.isAlive() || b.isAlive()) {}',
      ].join('\n'),
      answers,
    );
    assert.equal(reply.content.status, 'ok', reply.content.evalue);
    assert.deepEqual([...answers.prompts].sort(), ['a? ', 'b? ']);
    assert.equal(answers.mostOpen(), 1);
    // Each thread got the answer to its own question.
    const lines = streamText(iopub).split('\n');
    assert.ok(lines.includes('a got answer to a?'), streamText(iopub));
    assert.ok(lines.includes('b got answer to b?'), streamText(iopub));
  });

  it('interrupting_a_thread_waiting_for_input_gives_it_keyboard_interrupt', async () => {
    const { reply } = await kernel.execute(
      [
        "const waiting = new Thread({ target: () => input('nobody answers: ') });",
        'waiting.start();',
        'while (waiting.isAlive()) {}',
      ].join('\n'),
      { onInput: () => (void kernel.interrupt(), new Promise<string>(() => {})) },
    );
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    const joined = await kernel.execute("let why = ''; try { await waiting.join(); } catch (error) { why = (error as Error).name; } why");
    assert.equal(ofType(joined.iopub, 'execute_result')[0].content.data['text/plain'], "'KeyboardInterrupt'");
    // The turn to ask is free again, and no stale answer is waiting.
    const next = await kernel.execute("input('still there? ')", { onInput: () => 'yes' });
    assert.equal(ofType(next.iopub, 'execute_result')[0].content.data['text/plain'], "'yes'");
  });
});
