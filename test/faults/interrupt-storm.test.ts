/**
 * Interrupts, many and at awkward moments, stop cells and keep every variable.
 *
 * The storm interrupts each cell once it is seen spinning (its first line of
 * output arrived). Interrupts at the very start of a cell are tested on the
 * supervisor with a real executor, where the moment can be chosen exactly.
 * (Not tested, and not fixable from outside Node: a SIGINT that lands within
 * microseconds of a script starting or ending, while Node's vm swaps signal
 * handlers, ends the executor; the kernel then restarts it and says so.)
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../kernel/client/client.js';
import type { ExecuteCommand } from '../../kernel/executor/messages.js';
import { Supervisor } from '../../kernel/executor/supervisor.js';
import { ofType } from '../helpers/outputs.js';
import { startLoggedKernel } from './helpers/kernel-log.js';

/** Ten ways to spin: loops, calls, generators, try/catch, waits in native code, a promise executor. */
const SPINS = [
  'for (;;) {}',
  'while (true) Math.random()',
  'function spin(): never { for (;;) {} }\nspin()',
  "for (;;) { try { JSON.parse('{') } catch { } }",
  'for (;;) { try { } finally { } }',
  'const spinner = function* () { for (;;) yield 1 }; for (const _ of spinner()) {}',
  'const cell = new Int32Array(new SharedArrayBuffer(4)); for (;;) Atomics.wait(cell, 0, 0, 50)',
  "let text = ''; for (;;) { text = (text + 'x').slice(-100) }",
  '[1].forEach(function loop() { for (;;) {} })',
  'new Promise(() => { for (;;) {} })',
];

describe('interrupt storm', { timeout: 300_000 }, () => {
  let kernel: KernelClient;
  before(async () => {
    ({ kernel } = await startLoggedKernel({ cwd: tmpdir() }));
  });
  after(() => kernel.close());

  it('a_hundred_interrupted_spinning_cells_all_keep_the_variable_set_before_them', async (t) => {
    assert.equal((await kernel.execute("const beforeTheStorm = 'kept'")).reply.content.status, 'ok');
    const outcomes = new Map<string, number>();
    let kept = 0;
    for (let round = 0; round < 100; round++) {
      const spin = SPINS[round % SPINS.length];
      const { reply } = await kernel.execute(`console.log('spinning ${round}');\n${spin}`, {
        onOutput: (m) => m.header.msg_type === 'stream' && void kernel.interrupt(),
        timeoutMs: 30_000,
      });
      const outcome = `${reply.content.ename}: ${reply.content.evalue}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      assert.equal(reply.content.ename, 'KeyboardInterrupt', `round ${round} (${spin}): ${outcome}`);
      const { iopub } = await kernel.execute('beforeTheStorm', { timeoutMs: 30_000 });
      assert.equal(ofType(iopub, 'execute_result')[0]?.content.data['text/plain'], "'kept'", `round ${round} (${spin}) lost the variable: ${outcome}`);
      kept += 1;
    }
    t.diagnostic(`${kept} of 100 interrupted cells were followed by a cell that read the variable; ${[...outcomes].map(([o, n]) => `${n} x ${o}`).join(', ')}`);
  });
});

describe('interrupts at the start of a cell', { timeout: 60_000 }, () => {
  let supervisor: Supervisor;
  before(async () => {
    supervisor = new Supervisor({ cwd: tmpdir() });
    await supervisor.start();
  });
  after(() => supervisor.stop());

  const command = (parent: string, code: string): Omit<ExecuteCommand, 'type'> => ({ parent, code, executionCount: 1, silent: false, userExpressions: {}, allowStdin: false });

  it('an_interrupt_before_the_cell_reaches_the_executor_stops_it_from_running', async () => {
    // As when the user interrupts while the kernel type-checks the cell.
    const interruptsWhenTaken = supervisor.interrupts;
    supervisor.interrupt();
    const done = await supervisor.execute(command('early', "(globalThis as any).ranAnyway = true; for (;;) {}"), interruptsWhenTaken);
    assert.equal(done.error?.ename, 'KeyboardInterrupt');
    assert.equal(done.error?.evalue, 'Interrupted before the cell started');
    assert.equal(done.notRun, true);
    const check = await supervisor.execute(command('check', 'typeof (globalThis as any).ranAnyway'));
    assert.equal(check.status, 'ok', 'the executor still runs cells');
  });

  it('an_interrupt_that_lands_before_the_script_starts_is_repeated_until_the_cell_stops', async () => {
    await supervisor.execute(command('set', '(globalThis as any).keptAcross = 7'));
    // About half a second of transpiling before the loop starts: the first SIGINT
    // arrives then, when only the event loop would see it, and a spinning cell never returns to it.
    const slowToStart = `let counted = 0;\n${'counted++;\n'.repeat(40_000)}for (;;) {}`;
    const running = supervisor.execute(command('slow', slowToStart));
    // One turn of the event loop: the cell has been handed to the executor.
    await new Promise(setImmediate);
    supervisor.interrupt();
    const done = await running;
    assert.equal(done.error?.ename, 'KeyboardInterrupt');
    assert.equal(done.notRun, undefined, 'the cell had been handed over');
    assert.equal(done.stateLost, undefined, `the executor was not replaced: ${done.error?.evalue}`);
    const check = await supervisor.execute(command('check-kept', '(globalThis as any).keptAcross'));
    assert.equal(check.status, 'ok');
  });
});
