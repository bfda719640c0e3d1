import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ProtocolHarness } from '../helpers/protocol-harness.js';

/** The stdin channel in memory: input replies reach the executor only when an input() waits. */
describe('stdin channel (in memory)', () => {
  let kernel: ProtocolHarness;
  beforeEach(() => {
    kernel = new ProtocolHarness().start();
  });
  afterEach(() => kernel.close());

  /** Sends on stdin and waits until the kernel has read it. */
  async function answer(msgType: string, content: object): Promise<void> {
    const read = kernel.sockets.stdin.read();
    kernel.send('stdin', kernel.build(msgType, content));
    await read;
  }

  it('an_input_reply_goes_to_the_waiting_input', async () => {
    kernel.executor.inputRequested();
    await answer('input_reply', { value: 'Ada' });
    assert.deepEqual(kernel.executor.inputs, [{ type: 'input_reply', value: 'Ada' }]);
  });

  it('a_reply_nobody_waits_for_or_of_another_type_is_dropped', async () => {
    await answer('input_reply', { value: 'unasked' });
    kernel.executor.inputRequested();
    await answer('execute_request', { code: '1' });
    assert.deepEqual(kernel.executor.inputs, []);
    await answer('input_reply', { value: 42 });
    assert.deepEqual(kernel.executor.inputs, [{ type: 'input_reply', value: '42' }]);
  });
});
