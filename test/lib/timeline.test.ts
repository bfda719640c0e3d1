import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgumentTypeError, ArgumentValueError } from '../../src/index.js';
import { JUPYTER_DISPLAY, timeline } from '../../src/display/index.js';

const T0 = 1_700_000_000_000;
const spans = [
  { lane: 'thread 1', start: T0, end: T0 + 400, group: 'Node', label: 'chunk 0' },
  { lane: 'thread 2', start: T0 + 100, end: T0 + 300, group: 'Node', label: 'chunk 1' },
  { lane: 'thread 1', start: T0 + 500, end: T0 + 900, group: 'Python' },
];

describe('timeline', () => {
  it('draws_a_bar_per_span_on_a_row_per_lane_in_seconds_from_the_earliest_start', async () => {
    const chart = await timeline(spans, { title: 'who ran when' });
    const bars = (chart.spec.data as { values: { lane: string; from: number; to: number }[] }).values;
    assert.deepEqual(bars.map((bar) => [bar.lane, bar.from, bar.to]), [['thread 1', 0, 0.4], ['thread 2', 0.1, 0.3], ['thread 1', 0.5, 0.9]]);
    assert.deepEqual((chart.spec.encoding as { y: { sort: string[] } }).y.sort, ['thread 1', 'thread 2'], 'lanes in first-seen order');
    assert.equal((chart.svg.match(/aria-roledescription="bar"/g) ?? []).length, 3);
    assert.match(chart.svg, />who ran when</);
    assert.match(chart.svg, />Python</, 'groups get a legend');
    assert.ok(!chart.svg.includes('<script'));
    assert.equal(String(chart), 'timeline "who ran when": 3 spans on 2 lanes over 0.900 s');
    assert.deepEqual(Object.keys(chart[JUPYTER_DISPLAY]()).sort(), ['image/svg+xml', 'text/plain']);
  });

  it('labels_only_the_bars_wide_enough_to_hold_them', async () => {
    const chart = await timeline([
      { lane: 'a', start: T0, end: T0 + 1000, label: 'wide bar' },
      { lane: 'b', start: T0, end: T0 + 5, label: 'narrow bar' },
    ], { width: 400 });
    assert.ok(chart.svg.includes('>wide bar<'));
    assert.ok(!chart.svg.includes('>narrow bar<'), 'it would spill over what follows');
  });

  it('measures_from_a_given_origin', async () => {
    const chart = await timeline(spans.slice(0, 1), { origin: T0 - 1000 });
    const [bar] = (chart.spec.data as { values: { from: number; to: number }[] }).values;
    assert.deepEqual([bar!.from, bar!.to], [1, 1.4]);
  });

  it('bad_spans_say_which_and_what_was_expected', async () => {
    await assert.rejects(timeline('spans' as never), /'spans' must be an array/);
    await assert.rejects(timeline([{ lane: 'a', start: T0 } as never]), (error: Error) => error instanceof ArgumentTypeError && /spans\[0\]\.end/.test(error.message));
    await assert.rejects(timeline([{ lane: 'a', start: T0, end: T0 - 1 }]), (error: Error) => error instanceof ArgumentValueError && /no earlier than its start/.test(error.message));
    await assert.rejects(timeline(spans, { width: -1 }), ArgumentValueError);
  });
});
