import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KernelClient } from '../../kernel/client/client.js';
import { ofType, streamText } from '../helpers/outputs.js';

describe('threads started by cells', () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await KernelClient.start();
  });
  after(() => kernel.close());

  it('thread_output_reaches_its_cell_while_main_spins', async () => {
    // The thread prints, then sleeps; the cell spins on isAlive() without yielding.
    // The test interrupts the cell only once the thread's line has arrived, so the
    // cell can only end if that output got out while the main code was spinning.
    const { reply, iopub } = await kernel.execute(
      [
        "import { Thread } from 'loom/threading';",
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
        "import { Thread, Event } from 'loom/threading';",
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
});
