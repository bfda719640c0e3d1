import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { progressHooks, type ProgressStart } from '../../src/host/index.js';
import { ThreadPool, ThreadPoolExecutor } from '../../src/index.js';
import { assertNothingLeftAtEnd, cells } from './helpers.js';

assertNothingLeftAtEnd();

/** What a map told the progress hook, in order. */
type Report = ['start', ProgressStart] | ['update', number] | ['finish', string, number];

function recordProgress(): Report[] {
  const reports: Report[] = [];
  progressHooks.progress = (map) => {
    reports.push(['start', map]);
    return {
      update: (done) => void reports.push(['update', done]),
      finish: (how, done) => void reports.push(['finish', how, done]),
    };
  };
  return reports;
}

describe('maps report their progress to progressHooks.progress', () => {
  afterEach(() => {
    progressHooks.progress = undefined;
  });

  it('pool_map_reports_its_size_rising_counts_and_one_finish', async () => {
    const reports = recordProgress();
    await using pool = new ThreadPool(2);
    assert.deepEqual(await pool.map((x: number) => x * 2, [1, 2, 3, 4, 5, 6, 7], { chunksize: 2 }), [2, 4, 6, 8, 10, 12, 14]);
    assert.deepEqual(reports[0], ['start', { label: 'map', total: 7, workers: 2, workerKind: 'thread' }]);
    const updates = reports.filter((r) => r[0] === 'update').map((r) => r[1] as number);
    assert.ok(updates.every((done, i) => done > (updates[i - 1] ?? 0) && done < 7), `counts rise, once per chunk before the last: ${updates}`);
    assert.ok(updates.length <= 3, 'four chunks: at most three updates before the finish');
    assert.deepEqual(reports.at(-1), ['finish', 'done', 7]);
    assert.equal(reports.filter((r) => r[0] === 'finish').length, 1);
  });

  it('starmap_and_the_sync_forms_report_too', () => {
    const reports = recordProgress();
    using pool = new ThreadPool(1);
    pool.starmapSync((a: number, b: number) => a + b, [[1, 2], [3, 4]]);
    pool.mapSync((x: number) => x, [1]);
    const ends = reports.filter((r) => r[0] !== 'update');
    assert.deepEqual(ends.map((r) => r[0] === 'start' ? [r[1].label, r[1].total] : [r[1], r[2]]), [['starmap', 2], ['done', 2], ['map', 1], ['done', 1]]);
  });

  it('a_failing_map_finishes_as_failed_when_its_result_rejects', async () => {
    const reports = recordProgress();
    await using pool = new ThreadPool(1);
    await assert.rejects(pool.map((x: number) => { if (x === 2) throw new RangeError('two'); return x; }, [1, 2, 3], { chunksize: 1 }), RangeError);
    assert.deepEqual(reports.filter((r) => r[0] === 'finish'), [['finish', 'failed', 1]]);
  });

  it('imap_over_a_generator_reports_a_count_without_a_total_and_one_finish', async () => {
    const reports = recordProgress();
    await using pool = new ThreadPool(2);
    function* numbers(): Generator<number> {
      for (let i = 1; i <= 9; i++) yield i;
    }
    const results: number[] = [];
    for await (const r of pool.imap((x: number) => x * 2, numbers(), { chunksize: 2 })) results.push(r);
    assert.deepEqual(results, [2, 4, 6, 8, 10, 12, 14, 16, 18]);
    assert.deepEqual(reports[0], ['start', { label: 'imap', total: undefined, workers: 2, workerKind: 'thread' }]);
    const updates = reports.filter((r) => r[0] === 'update').map((r) => r[1] as number);
    assert.ok(updates.every((done, i) => done > (updates[i - 1] ?? 0) && done < 9), `counts rise: ${updates}`);
    assert.deepEqual(reports.filter((r) => r[0] === 'finish'), [['finish', 'done', 9]]);
  });

  it('breaking_out_of_an_imap_over_an_endless_generator_finishes_as_stopped', async () => {
    const reports = recordProgress();
    await using pool = new ThreadPool(2);
    function* endless(): Generator<number> {
      for (let i = 0; ; i++) yield i;
    }
    let seen = 0;
    for await (const _ of pool.imap((x: number) => x, endless())) if (++seen === 5) break;
    await pool.close();
    await pool.join();
    const finishes = reports.filter((r) => r[0] === 'finish');
    assert.equal(finishes.length, 1);
    assert.equal(finishes[0][1], 'stopped');
  });

  it('progress_false_or_no_hook_reports_nothing', async () => {
    const reports = recordProgress();
    await using pool = new ThreadPool(1);
    await pool.map((x: number) => x, [1, 2], { progress: false });
    assert.deepEqual(reports, []);
    progressHooks.progress = undefined;
    assert.deepEqual(await pool.map((x: number) => x, [1, 2]), [1, 2]);
    assert.throws(() => pool.map((x: number) => x, [1], { progress: 'no' as never }), { name: 'ArgumentTypeError', message: /'progress' must be a boolean/ });
  });

  it('an_empty_map_reports_nothing', async () => {
    const reports = recordProgress();
    await using pool = new ThreadPool(1);
    assert.deepEqual(await pool.map((x: number) => x, []), []);
    assert.deepEqual(reports, []);
  });

  it('executor_map_reports_calls_and_stops_when_the_caller_breaks_out', async () => {
    const reports = recordProgress();
    await using executor = new ThreadPoolExecutor(1);
    const gate = cells(2); // [0]: the call that has started, [1]: opens the gate
    const results: number[] = [];
    // The first call returns at once; the second says it has started, then waits on the gate.
    // Breaking out once it runs cancels the two calls not started: the map ends as stopped.
    const task = (x: number, g: Int32Array) => {
      if (x === 1) return x;
      Atomics.store(g, 0, x);
      Atomics.notify(g, 0);
      Atomics.wait(g, 1, 0, 5000);
      return x;
    };
    for await (const value of executor.map(task, [1, 2, 3, 4], [gate, gate, gate, gate])) {
      results.push(value);
      Atomics.wait(gate, 0, 0, 5000);
      break;
    }
    Atomics.store(gate, 1, 1);
    Atomics.notify(gate, 1);
    await executor.shutdown();
    assert.deepEqual(results, [1]);
    assert.deepEqual(reports[0], ['start', { label: 'map', total: 4, workers: 1, workerKind: 'thread' }]);
    assert.deepEqual(reports.at(-1), ['finish', 'stopped', 2]);
  });

  it('a_throwing_progress_display_becomes_a_warning_and_the_map_still_succeeds', async () => {
    progressHooks.progress = () => ({ update() {}, finish() { throw new Error('display broke'); } });
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
    await using pool = new ThreadPool(1);
    assert.deepEqual(await pool.map((x: number) => x + 1, [1]), [2]);
    assert.match((await warned).message, /loom: the progress display failed: display broke/);
  });
});
