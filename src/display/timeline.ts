/**
 * `timeline(spans)`: when each thread, process or task ran, as a Gantt
 * chart. Spans are recorded by the code that ran (with clock(), which is
 * comparable between threads and processes), so the chart shows what this
 * run did, not a diagram of what should happen.
 */
import { typeError, valueError } from '../internal/validate.js';
import { Chart, chartConfig, MARK_COLOUR, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './chart.js';
import { renderVegaLite } from './render-svg.js';

/** One stretch of work: on which lane (a thread, a process, a worker), from when to when. */
export interface Span {
  /** The row it is drawn on, e.g. `thread 2` or `pid 4711`; rows keep the order lanes first appear in. */
  lane: string;
  /** clock() when the work started, in milliseconds. */
  start: number;
  /** clock() when the work ended, in milliseconds. */
  end: number;
  /** Spans of one group share a colour, with a legend (e.g. `Node` and `Python`, or `chunk`). */
  group?: string;
  /** Text shown on the bar, e.g. `chunk 3`. */
  label?: string;
}

export interface TimelineOptions {
  /** Title above the chart. @default none */
  title?: string;
  /** Width of the plot in pixels. @default 560 */
  width?: number;
  /** The time that is 0 on the x axis, in clock() milliseconds. @default the earliest start */
  origin?: number;
  /** Title of the colour legend. @default 'group' */
  groupTitle?: string;
}

interface Bar {
  lane: string;
  from: number;
  to: number;
  group: string;
  label: string;
  /** The label where it fits inside its bar, else '' (it would spill over the next bar). */
  shown?: string;
}

const ROW_HEIGHT = 22;
/** Roughly how wide a character of the bars' 10px labels is, and the room a label needs around it. */
const CHAR_PIXELS = 6;
const LABEL_MARGIN = 6;

/**
 * Draws spans as a Gantt chart: a row per lane, a bar per span from its start
 * to its end, in seconds after `origin`. Resolves to a Chart (SVG).
 *
 * @example
 * const start = clock(); work(); spans.push({ lane: 'main', start, end: clock() });
 * display(await timeline(spans, { title: 'who ran when' }))
 */
export async function timeline(spans: readonly Span[], options: TimelineOptions = {}): Promise<Chart> {
  const checked = checkOptions(options);
  const bars = barsOf(checkSpans(spans), checked.origin);
  const spec = timelineSpec(bars, checked);
  return new Chart(spec, await renderVegaLite(spec), summaryOf(bars, checked.title));
}

function checkOptions(options: TimelineOptions): TimelineOptions {
  if (options === null || typeof options !== 'object') throw typeError('options', 'an options object', options);
  for (const name of ['title', 'groupTitle'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string') throw typeError(name, 'a string', options[name]);
  }
  for (const name of ['width', 'origin'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) throw typeError(name, 'a finite number', value);
  }
  if (options.width !== undefined && options.width <= 0) throw valueError('width', 'a positive number of pixels', options.width);
  return options;
}

function checkSpans(spans: readonly Span[]): readonly Span[] {
  if (!Array.isArray(spans)) throw typeError('spans', 'an array of { lane, start, end } objects', spans);
  spans.forEach((span: unknown, i) => {
    if (span === null || typeof span !== 'object') throw typeError(`spans[${i}]`, 'an object with lane, start and end', span);
    const { lane, start, end, group, label } = span as Record<string, unknown>;
    if (typeof lane !== 'string' && typeof lane !== 'number') throw typeError(`spans[${i}].lane`, 'a string naming its row', lane);
    for (const [name, value] of [['start', start], ['end', end]] as const) {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw typeError(`spans[${i}].${name}`, 'a time in milliseconds from clock()', value);
    }
    if ((end as number) < (start as number)) throw valueError(`spans[${i}].end`, `no earlier than its start (${start})`, end);
    for (const [name, value] of [['group', group], ['label', label]] as const) {
      if (value !== undefined && typeof value !== 'string') throw typeError(`spans[${i}].${name}`, 'a string', value);
    }
  });
  return spans;
}

/** Spans as seconds after the origin: the numbers a reader compares. */
function barsOf(spans: readonly Span[], origin?: number): Bar[] {
  const zero = origin ?? Math.min(...spans.map((span) => span.start));
  return spans.map((span) => ({
    lane: String(span.lane),
    from: (span.start - zero) / 1000,
    to: (span.end - zero) / 1000,
    group: span.group ?? '',
    label: span.label ?? '',
  }));
}

/** The Vega-Lite spec: one row per lane in first-seen order, bars coloured by group when there are groups. */
export function timelineSpec(bars: Bar[], { title, width, groupTitle }: TimelineOptions): VegaLiteSpec {
  const lanes = [...new Set(bars.map((bar) => bar.lane))];
  const plotWidth = width ?? 560;
  const seconds = Math.max(0, ...bars.map((bar) => bar.to));
  const pixels = (bar: Bar) => (seconds === 0 ? 0 : ((bar.to - bar.from) / seconds) * plotWidth);
  const values = bars.map((bar) => ({ ...bar, shown: pixels(bar) >= bar.label.length * CHAR_PIXELS + LABEL_MARGIN ? bar.label : '' }));
  const grouped = bars.some((bar) => bar.group !== '');
  const colour = grouped
    ? { color: { field: 'group', type: 'nominal', sort: null, title: groupTitle ?? 'group' } }
    : { color: { value: MARK_COLOUR } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title === undefined ? {} : { title }),
    width: plotWidth,
    height: Math.max(1, lanes.length) * ROW_HEIGHT,
    data: { values },
    encoding: {
      y: { field: 'lane', type: 'nominal', sort: lanes, title: null },
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadius: 2, height: ROW_HEIGHT - 6 },
        encoding: {
          x: { field: 'from', type: 'quantitative', title: 'seconds', scale: { zero: true } },
          x2: { field: 'to' },
          ...colour,
          tooltip: [{ field: 'lane' }, { field: 'label' }, { field: 'from', format: '.3f' }, { field: 'to', format: '.3f' }],
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#ffffff' },
        encoding: { x: { field: 'from', type: 'quantitative' }, text: { field: 'shown' } },
      },
    ],
    config: chartConfig(),
  };
}

function summaryOf(bars: Bar[], title?: string): string {
  const lanes = new Set(bars.map((bar) => bar.lane)).size;
  const seconds = bars.length === 0 ? 0 : Math.max(...bars.map((bar) => bar.to));
  const what = `${bars.length} span${bars.length === 1 ? '' : 's'} on ${lanes} lane${lanes === 1 ? '' : 's'} over ${seconds.toFixed(3)} s`;
  return `timeline${title ? ` "${title}"` : ''}: ${what}`;
}
