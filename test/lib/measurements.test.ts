/**
 * loom/display's measuring helpers, used by the chapter notebooks: clock()
 * readings comparable between processes, timeRuns' median and range,
 * machineLoad seeing another process's work, and runPython answering
 * instead of throwing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { ArgumentTypeError, ArgumentValueError } from '../../src/index.js';
import { clock, machineLoad, runPython, timeRuns, Timing } from '../../src/display/index.js';

describe('clock', () => {
  it('reads_the_same_time_line_in_a_child_process_as_here', async () => {
    const before = clock();
    // performance.now() alone would read a few ms in the fresh process, far below `before`.
    const child = spawn(process.execPath, ['-e', 'process.stdout.write(String(require(process.argv[1]).clock()))', require.resolve('../../src/display/clock.js')]);
    let printed = '';
    child.stdout.on('data', (chunk: Buffer) => (printed += chunk));
    await once(child, 'exit');
    const inChild = Number(printed);
    const after = clock();
    assert.ok(before <= inChild && inChild <= after, `${before} <= ${inChild} <= ${after}`);
  });
});

describe('timeRuns', () => {
  it('times_each_run_in_order_and_awaits_promises', async () => {
    let calls = 0;
    const timing = await timeRuns(async () => {
      calls += 1;
      await new Promise((done) => setImmediate(done));
    }, { runs: 4, warmup: true });
    assert.equal(calls, 5, 'one warm-up and four timed runs');
    assert.equal(timing.runs.length, 4);
    assert.ok(timing.runs.every((s) => s >= 0));
  });

  it('gives_median_range_and_spread', () => {
    const timing = new Timing([3, 1, 2, 10]);
    assert.equal(timing.median, 2.5);
    assert.equal(timing.min, 1);
    assert.equal(timing.max, 10);
    assert.equal(timing.spread, 9 / 2.5);
    assert.equal(String(new Timing([1.234, 1.1, 1.4])), '1.23 s (1.10-1.40, 3 runs)');
    assert.equal(String(new Timing([0.0123])), '0.012 s (0.012-0.012, 1 run)');
  });

  it('refuses_what_it_cannot_time', async () => {
    await assert.rejects(timeRuns(42 as never), ArgumentTypeError);
    await assert.rejects(timeRuns(() => 0, { runs: 0 }), ArgumentValueError);
    await assert.rejects(timeRuns(() => 0, { runs: 1.5 }), ArgumentTypeError);
    assert.throws(() => new Timing([]), ArgumentValueError);
  });
});

describe('machineLoad', () => {
  it('counts_a_busy_process_as_other_work', async () => {
    const spinner = spawn(process.execPath, ['-e', 'process.stdout.write("spinning\\n"); for (;;) {}'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await once(spinner.stdout, 'data');
      const load = await machineLoad({ sampleMs: 500 });
      assert.ok(load.otherCores >= 0.5, `a spinning process used ${load.otherCores} cores`);
      assert.equal(load.busy, true);
      assert.match(String(load), /^\d+ cores?, other work used \d+\.\d of them$/);
    } finally {
      spinner.kill('SIGKILL');
      await once(spinner, 'exit');
    }
  });

  it('refuses_a_sample_too_short_to_measure', async () => {
    await assert.rejects(machineLoad({ sampleMs: 5 }), ArgumentValueError);
    await assert.rejects(machineLoad({ sampleMs: 'long' as never }), ArgumentTypeError);
  });
});

describe('runPython', () => {
  it('says_why_when_there_is_no_python3_instead_of_throwing', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const run = runPython('print(1)');
      assert.equal(run.ok, false);
      assert.equal(!run.ok && run.why, 'there is no python3 on PATH');
    } finally {
      process.env.PATH = path;
    }
  });

  it('runs_a_program_with_arguments_and_input_or_says_how_it_failed', (t) => {
    const probe = runPython('print("ok")');
    if (!probe.ok) {
      t.skip(`no usable python3: ${probe.why}`);
      return;
    }
    const run = runPython('import sys\nprint(sys.argv[1], sys.stdin.read().upper())', { args: ['hello'], input: 'world' });
    assert.deepEqual(run.ok && run.stdout, 'hello WORLD\n');
    assert.match(run.ok ? run.version : '', /^3\.\d+/);
    const failed = runPython('raise ValueError("nope")');
    assert.equal(failed.ok, false);
    assert.match(!failed.ok ? failed.why : '', /^python3 exited with 1: ValueError: nope$/);
    const slow = runPython('import time\ntime.sleep(30)', { timeoutSeconds: 0.5 });
    assert.equal(!slow.ok && slow.why, 'python3 did not finish within 0.5 s');
  });
});
