import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { ArgumentTypeError, ArgumentValueError } from '../../src/index.js';
import { barChart, JUPYTER_DISPLAY, table, vegaLite } from '../../src/display/index.js';

describe('table', () => {
  const rows = [
    { name: 'serial', seconds: 3.41234, workers: 1 },
    { name: '<b>threads</b> & "more"', seconds: 1.7, workers: 2, note: 'first\nsecond' },
  ];

  it('escapes_every_value_and_header_in_html', () => {
    const html = table([{ '<th>': '<script>alert(1)</script>' }], { caption: 'a <caption>' }).toHtml();
    assert.ok(!html.includes('<script>') && !html.includes('<th>') && !html.includes('<caption>a'), html);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('>&lt;th&gt;</th>'));
    assert.ok(html.includes('a &lt;caption&gt;</caption>'));
    assert.ok(table(rows).toHtml().includes('&lt;b&gt;threads&lt;/b&gt; &amp; &quot;more&quot;'));
  });

  it('right_aligns_numbers_and_gives_a_fraction_column_the_same_decimals', () => {
    const html = table(rows).toHtml();
    assert.match(html, /text-align:right">3\.412<\/td>/);
    assert.match(html, /text-align:right">1\.700<\/td>/);
    assert.match(html, /text-align:right">2<\/td>/, 'a column of whole numbers keeps them whole');
    assert.match(html, /text-align:left">serial<\/td>/);
    assert.match(html, /text-align:right">seconds<\/th>/, 'a numeric column has its header on the right too');
    assert.match(html, /text-align:left">name<\/th>/);
  });

  it('text_form_lines_up_columns_with_numbers_on_the_right', () => {
    assert.equal(String(table(rows, { digits: 1 })), [
      'name                     seconds  workers  note',
      '-----------------------  -------  -------  ------------',
      'serial                       3.4        1',
      '<b>threads</b> & "more"      1.7        2  first↵second',
    ].join('\n'));
    assert.equal(inspect(table([{ a: 1 }])), 'a\n-\n1', 'console.log shows the text form');
  });

  it('columns_option_picks_and_orders_and_missing_values_are_empty', () => {
    const t = table(rows, { columns: ['workers', 'note'], caption: 'Timing' });
    assert.deepEqual(t.columns, ['workers', 'note']);
    assert.equal(String(t), ['Timing', 'workers  note', '-------  ------------', '      1', '      2  first↵second'].join('\n'));
    assert.equal(t.length, 2);
  });

  it('shows_other_values_readably_and_an_empty_table_says_so', () => {
    const text = String(table([{ big: 12n, when: new Date(0), flag: true, list: [1, 2], none: null }]));
    assert.match(text, /12 +1970-01-01T00:00:00\.000Z +true +\[ 1, 2 \]/);
    assert.match(String(table([], { columns: ['a'] })), /\(no rows\)/);
    assert.match(table([]).toHtml(), /no rows/);
  });

  it('is_displayable_as_html_and_text', () => {
    const bundle = table(rows)[JUPYTER_DISPLAY]();
    assert.deepEqual(Object.keys(bundle).sort(), ['text/html', 'text/plain']);
    assert.ok(bundle['text/html'].startsWith('<table'));
    assert.equal(JUPYTER_DISPLAY, Symbol.for('Jupyter.display'));
  });

  it('bad_arguments_say_what_was_expected', () => {
    assert.throws(() => table({} as never), { name: 'ArgumentTypeError', message: /'rows' must be an array of objects/ });
    assert.throws(() => table([{ a: 1 }, 5 as never]), { message: /'rows\[1\]' must be an object; got 5/ });
    assert.throws(() => table([], { columns: 'a' as never }), ArgumentTypeError);
    assert.throws(() => table([], { digits: 1.5 }), ArgumentTypeError);
    assert.throws(() => table([], { digits: -1 }), ArgumentValueError);
  });
});

describe('barChart', () => {
  const rows = [
    { workers: 1, seconds: 3.4, kind: 'threads' },
    { workers: 1, seconds: 3.6, kind: 'processes' },
    { workers: 2, seconds: 1.8, kind: 'threads' },
    { workers: 2, seconds: 1.9, kind: 'processes' },
  ];

  it('draws_one_bar_per_row_with_axis_titles_labels_and_values_as_svg_without_scripts', async () => {
    const chart = await barChart(rows.slice(0, 1).concat(rows.slice(2, 3)), { x: 'workers', y: 'seconds', title: 'Pool.map', xTitle: 'worker count' });
    assert.match(chart.svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal((chart.svg.match(/<path [^>]*aria-roledescription="bar"/g) ?? []).length, 2, 'two bars');
    for (const text of ['Pool.map', 'worker count', 'seconds', '>1<', '>2<', '3.4', '1.8']) assert.ok(chart.svg.includes(text), `the SVG shows ${text}`);
    assert.doesNotMatch(chart.svg, /<script|javascript:|on[a-z]+="/i);
  });

  it('escapes_labels_and_titles_in_the_svg', async () => {
    const chart = await barChart([{ name: '<script>x</script>', v: 1 }], { x: 'name', y: 'v', title: '</svg><script>' });
    assert.doesNotMatch(chart.svg, /<script/i);
    assert.ok(chart.svg.includes('&lt;script&gt;x&lt;/script&gt;'));
  });

  it('colour_groups_bars_side_by_side_with_a_legend', async () => {
    const chart = await barChart(rows, { x: 'workers', y: 'seconds', color: 'kind' });
    assert.equal((chart.svg.match(/aria-roledescription="bar"/g) ?? []).length, 4);
    assert.ok(chart.svg.includes('role-legend') && chart.svg.includes('>processes<') && chart.svg.includes('>threads<'));
    assert.deepEqual((chart.spec.encoding as Record<string, { field?: string }>).xOffset?.field, 'kind');
  });

  it('colours_without_gaps_when_each_bar_has_its_own_x_and_cuts_labels_after_commas', async () => {
    const chart = await barChart([{ how: 'Node, threads', s: 1, language: 'Node' }, { how: 'Python, threads', s: 2, language: 'Python' }], { x: 'how', y: 's', color: 'language' });
    const encoding = chart.spec.encoding as Record<string, { field?: string; axis?: { labelExpr?: string } }>;
    assert.equal(encoding.xOffset, undefined, 'no empty slot beside each bar');
    assert.equal(encoding.color?.field, 'language');
    assert.ok(chart.svg.includes('>Node<') && chart.svg.includes('>threads<'), 'the label is two lines');
  });

  it('draws_a_labelled_dashed_rule_at_a_limit', async () => {
    const chart = await barChart(rows, { x: 'workers', y: 'seconds', color: 'kind', rule: { y: 2, label: 'at most 2x' } });
    assert.match(chart.svg, /aria-roledescription="rule mark"/);
    assert.ok(chart.svg.includes('>at most 2x<'));
    await assert.rejects(barChart(rows, { x: 'workers', y: 'seconds', rule: { y: 'two' } as never }), /'rule' must be an object \{ y: number, label\?: string \}/);
  });

  it('exposes_its_vega_lite_spec_with_only_the_fields_it_uses', async () => {
    const chart = await barChart([{ 'a.b': 'x', v: 2n, unused: () => 0 }], { x: 'a.b', y: 'v', width: 300, height: 100 });
    assert.equal(chart.spec.$schema, 'https://vega.github.io/schema/vega-lite/v6.json');
    assert.deepEqual(chart.spec.data, { values: [{ 'a.b': 'x', v: 2 }] });
    assert.equal((chart.spec.encoding as Record<string, { field: string }>).x.field, 'a\\.b', 'a dot in a field name is not a nested field');
    assert.equal(chart.spec.width, 300);
    assert.ok(chart.svg.includes('>x<'), 'the escaped field still finds its values');
    assert.doesNotThrow(() => JSON.stringify(chart.spec));
  });

  it('shows_as_svg_with_a_text_summary', async () => {
    const chart = await barChart(rows, { x: 'workers', y: 'seconds', color: 'kind', title: 'Timing' });
    const bundle = chart[JUPYTER_DISPLAY]();
    assert.equal(bundle['image/svg+xml'], chart.svg);
    assert.equal(bundle['text/plain'], 'bar chart "Timing": seconds by workers and kind (4 bars)');
    assert.equal(String(chart), bundle['text/plain']);
    assert.equal(inspect(chart), 'Chart <bar chart "Timing": seconds by workers and kind (4 bars)>');
  });

  it('bad_rows_and_options_say_what_was_expected', async () => {
    await assert.rejects(barChart(rows, { x: 'workers' } as never), { name: 'ArgumentTypeError', message: /'y' must be the name of a field/ });
    await assert.rejects(barChart([{ a: 'x', b: 'tall' }], { x: 'a', y: 'b' }), { message: /'rows\[0\]\.b' must be a number \(the bar's height; y is 'b'\); got 'tall'/ });
    await assert.rejects(barChart(rows, { x: 'workers', y: 'seconds', width: -5 }), ArgumentValueError);
    await assert.rejects(barChart('rows' as never, { x: 'a', y: 'b' }), ArgumentTypeError);
  });
});

describe('vegaLite', () => {
  it('draws_any_spec_with_inline_data', async () => {
    const chart = await vegaLite({ data: { values: [{ n: 1, s: 2 }, { n: 2, s: 1 }] }, mark: 'line', encoding: { x: { field: 'n', type: 'quantitative' }, y: { field: 's', type: 'quantitative' } } });
    assert.match(chart.svg, /aria-roledescription="line mark"/);
    assert.equal(String(chart), 'Vega-Lite chart');
  });

  it('loads_nothing_from_urls_or_files', async () => {
    await assert.rejects(
      vegaLite({ data: { url: 'http://127.0.0.1:9/data.json' }, mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' } } }),
      /draws charts offline and loads nothing: put the data for "http:\/\/127\.0\.0\.1:9\/data\.json" inline/,
    );
  });
});
