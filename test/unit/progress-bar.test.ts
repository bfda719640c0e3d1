import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barBundle, summary } from '../../kernel/executor/runtime/progress.js';

describe('progress bar text', () => {
  const map = { label: 'map', total: 8, workers: 2, workerKind: 'process' as const };

  it('the_summary_says_how_the_map_ended_and_on_what', () => {
    assert.equal(summary(map, 'done', 8, 3.44), 'map: 8/8 tasks in 3.4 s on 2 processes');
    assert.equal(summary({ ...map, label: 'starmap', workers: 1, workerKind: 'thread' }, 'failed', 3, 1), 'starmap: failed after 3/8 tasks in 1.0 s on 1 thread');
    assert.equal(summary({ ...map, workers: 1 }, 'stopped', 5, 12.06), 'map: stopped after 5/8 tasks in 12.1 s on 1 process');
    assert.equal(summary({ ...map, workers: 4, remoteWorkers: 2 }, 'done', 8, 1), 'map: 8/8 tasks in 1.0 s on 4 processes on 2 remote workers');
  });

  it('the_bar_fills_in_proportion_in_text_and_html', () => {
    const half = barBundle(map, 4, 2);
    assert.equal(half['text/plain'], `map ${'█'.repeat(12)}${'░'.repeat(12)} 4/8 tasks, 2 s, 2 processes`);
    assert.match(String(half['text/html']), /width:50\.0%/);
    assert.match(String(barBundle({ ...map, label: '<b>' }, 8, 0)['text/html']), /<span>&lt;b&gt;<\/span>[^]*width:100\.0%/);
  });

  it('without_a_total_an_imap_over_a_generator_shows_a_count_and_no_bar', () => {
    const open = { ...map, label: 'imap', total: undefined };
    const running = barBundle(open, 37, 3);
    assert.equal(running['text/plain'], 'imap 37 tasks, 3 s, 2 processes');
    assert.doesNotMatch(String(running['text/html']), /width:/);
    assert.equal(summary(open, 'done', 40, 4.04), 'imap: 40 tasks in 4.0 s on 2 processes');
    assert.equal(summary(open, 'stopped', 12, 1), 'imap: stopped after 12 tasks in 1.0 s on 2 processes');
  });
});
