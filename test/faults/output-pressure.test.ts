/**
 * A cell printing a million lines: every line arrives, in order (each line is
 * its own number, so a gap, a repeat or a swap shows), while the heartbeat keeps
 * answering; the kernel goes idle, and a spinning cell after it can still be
 * interrupted. Interrupting the printing itself stops it, and what arrived is a
 * gapless start of the output that never spills into the next cell.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { KernelClient, Message } from '../../kernel/client/client.js';
import { ofType, streamText } from '../helpers/outputs.js';
import { startLoggedKernel } from './helpers/kernel-log.js';

const LINES = 1_000_000;

/** Where `text` stops being the lines 0, 1, 2, ...: the number of good lines, and what came instead. */
function countedLines(text: string): { good: number; problem?: string } {
  const lines = text.split('\n');
  if (lines.at(-1) !== '') return { good: 0, problem: `the output does not end with a newline: ...${JSON.stringify(text.slice(-40))}` };
  lines.pop();
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== String(i)) return { good: i, problem: `line ${i} is ${JSON.stringify(lines[i].slice(0, 40))}` };
  }
  return { good: lines.length };
}

/** Pings the heartbeat until stopped; counts answers and silences. */
function keepPinging(kernel: KernelClient): { stop: () => Promise<{ answered: number; silent: number }> } {
  let running = true;
  const counts = { answered: 0, silent: 0 };
  const loop = (async () => {
    while (running) {
      if (await kernel.ping(10_000)) counts.answered += 1;
      else counts.silent += 1;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return counts;
    },
  };
}

describe('output under pressure', { timeout: 300_000 }, () => {
  let kernel: KernelClient;
  before(async () => {
    ({ kernel } = await startLoggedKernel({ cwd: tmpdir() }));
    await kernel.execute("const setBeforeThePrinting = 'kept'");
  });
  after(() => kernel.close());

  it('a_million_lines_all_arrive_in_order_while_the_heartbeat_answers', async (t) => {
    const pinging = keepPinging(kernel);
    const started = Date.now();
    let messages = 0;
    const { reply, iopub } = await kernel.execute(`for (let i = 0; i < ${LINES}; i++) console.log(i)`, {
      onOutput: (m) => m.header.msg_type === 'stream' && (messages += 1),
      timeoutMs: 240_000,
    });
    const seconds = (Date.now() - started) / 1000;
    const heartbeat = await pinging.stop();
    assert.equal(reply.content.status, 'ok');
    const { good, problem } = countedLines(streamText(iopub));
    t.diagnostic(`${good.toLocaleString('en')} lines in ${seconds.toFixed(2)} s (${Math.round(good / seconds).toLocaleString('en')} lines/s) in ${messages} stream messages; heartbeat answered ${heartbeat.answered} pings meanwhile, missed ${heartbeat.silent}`);
    assert.equal(problem, undefined);
    assert.equal(good, LINES);
    assert.equal(heartbeat.silent, 0, 'every heartbeat ping was answered');
    assert.ok(heartbeat.answered > 0, 'the heartbeat was pinged while the cell printed');
    assert.equal(ofType(iopub, 'status').at(-1)?.content.execution_state, 'idle');
  });

  it('a_spinning_cell_after_the_million_lines_is_interrupted_and_variables_survive', async () => {
    const { reply } = await kernel.execute("console.log('spinning'); for (;;) {}", { onOutput: (m) => m.header.msg_type === 'stream' && void kernel.interrupt() });
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    const { iopub } = await kernel.execute('setBeforeThePrinting');
    assert.equal(ofType(iopub, 'execute_result')[0]?.content.data['text/plain'], "'kept'");
  });

  it('interrupting_the_printing_stops_it_with_a_gapless_start_and_nothing_spills_into_the_next_cell', async (t) => {
    // Twenty times: an interrupt can land anywhere in the executor's output path.
    const reached: number[] = [];
    for (let round = 0; round < 20; round++) reached.push(await interruptThePrinting(round));
    t.diagnostic(`20 printing cells interrupted after ${Math.min(...reached).toLocaleString('en')} to ${Math.max(...reached).toLocaleString('en')} lines`);
  });

  /** One printing cell, interrupted once 100,000 characters arrived; returns the lines that arrived. */
  async function interruptThePrinting(round: number): Promise<number> {
    const total = 50_000_000; // far more than can print before the interrupt lands
    let arrived = 0;
    let interrupted = false;
    const { reply, iopub } = await kernel.execute(`for (let i = 0; i < ${total}; i++) console.log(i)`, {
      onOutput: (m) => {
        if (m.header.msg_type !== 'stream') return;
        arrived += (m.content.text as string).length;
        if (!interrupted && arrived > 100_000) {
          interrupted = true;
          void kernel.interrupt();
        }
      },
      timeoutMs: 120_000,
    });
    assert.equal(reply.content.ename, 'KeyboardInterrupt', `round ${round}`);
    assert.doesNotMatch(reply.content.evalue, /restarted/, `round ${round}: the printing stopped without losing the executor`);
    const { good, problem } = countedLines(streamText(iopub));
    assert.equal(problem, undefined, `round ${round}`);
    assert.ok(good > 0 && good < total);

    // Anything of the interrupted cell that came after its idle would land here.
    const late: Message[] = [];
    const stopListening = kernel.listen(reply.parent_header.msg_id!, (m) => late.push(m));
    const next = await kernel.execute("console.log('the next cell'); setBeforeThePrinting");
    stopListening();
    assert.equal(streamText(next.iopub), 'the next cell\n', `round ${round}`);
    assert.equal(ofType(next.iopub, 'execute_result')[0]?.content.data['text/plain'], "'kept'", `round ${round}`);
    assert.deepEqual(late.map((m) => m.header.msg_type), [], `round ${round}: the interrupted cell sent nothing after it went idle`);
    return good;
  }
});
