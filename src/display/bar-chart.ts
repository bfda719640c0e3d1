/**
 * `barChart(rows, {x, y})`: timing results and the like as a bar chart,
 * built as a Vega-Lite spec and drawn to SVG in Node (see render-svg.ts).
 */
import { show, typeError, valueError } from '../internal/validate.js';
import { Chart, chartConfig, MARK_COLOUR, TEXT_COLOUR, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './chart.js';
import { renderVegaLite } from './render-svg.js';

export interface BarChartOptions {
  /** The field of each row that names its bar (one bar, or one group of bars, per distinct value, in the rows' order). */
  x: string;
  /** The field of each row that holds the bar's height: a number. */
  y: string;
  /**
   * A field whose values get a colour each; bars of the same `x` stand side
   * by side, one per colour (e.g. `threads` next to `processes`), with a legend.
   * @default undefined (one colour)
   */
  color?: string;
  /** Title above the chart. @default none */
  title?: string;
  /** Title of the x axis. @default the `x` field's name */
  xTitle?: string;
  /** Title of the y axis. @default the `y` field's name */
  yTitle?: string;
  /** Width of the plot in pixels. @default room for each label, at least 360 */
  width?: number;
  /** Height of the plot in pixels. @default 240 */
  height?: number;
  /**
   * A dashed line across the chart at this height, with its label, e.g. the
   * most a speed-up can be: `{ y: cpuCount(), label: 'cores' }`.
   * @default none
   */
  rule?: { y: number; label?: string };
}


/**
 * Draws rows as a bar chart: one bar per row, `x` naming it and `y` giving its
 * height, each bar labelled with its value. Resolves to a Chart that a
 * notebook shows as SVG (`chart.svg`; its Vega-Lite spec is `chart.spec`).
 *
 * @example
 * await barChart([{ workers: 1, seconds: 3.4 }, { workers: 2, seconds: 1.8 }], { x: 'workers', y: 'seconds', title: 'Pool.map' })
 */
export async function barChart(rows: readonly object[], options: BarChartOptions): Promise<Chart> {
  const checked = checkOptions(options);
  const values = dataOf(rows, checked);
  const spec = barChartSpec(values, checked);
  return new Chart(spec, await renderVegaLite(spec), summaryOf(values, checked));
}

function checkOptions(options: BarChartOptions): BarChartOptions {
  if (options === null || typeof options !== 'object') throw typeError('options', 'an options object with at least x and y', options);
  for (const name of ['x', 'y'] as const) {
    if (typeof options[name] !== 'string' || options[name] === '') throw typeError(name, 'the name of a field of the rows', options[name]);
  }
  for (const name of ['color', 'title', 'xTitle', 'yTitle'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string') throw typeError(name, 'a string', options[name]);
  }
  if (options.rule !== undefined) {
    const { rule } = options;
    if (rule === null || typeof rule !== 'object' || typeof rule.y !== 'number' || !Number.isFinite(rule.y)) throw typeError('rule', 'an object { y: number, label?: string }', rule);
    if (rule.label !== undefined && typeof rule.label !== 'string') throw typeError('rule.label', 'a string', rule.label);
  }
  for (const name of ['width', 'height'] as const) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw typeError(name, 'a number of pixels', value);
    if (value <= 0) throw valueError(name, 'a positive number of pixels', value);
  }
  return options;
}

type Datum = Record<string, string | number | null>;

/** Only the fields the chart uses, as JSON values, so the spec stays small and valid JSON. */
function dataOf(rows: readonly object[], { x, y, color }: BarChartOptions): Datum[] {
  if (!Array.isArray(rows)) throw typeError('rows', 'an array of objects', rows);
  return rows.map((row: unknown, i) => {
    if (row === null || typeof row !== 'object') throw typeError(`rows[${i}]`, 'an object', row);
    const record = row as Record<string, unknown>;
    const height = typeof record[y] === 'bigint' ? Number(record[y]) : record[y];
    if (typeof height !== 'number' || !Number.isFinite(height)) {
      throw typeError(`rows[${i}].${y}`, `a number (the bar's height; y is '${y}')`, record[y]);
    }
    return { [x]: label(record[x]), [y]: height, ...(color === undefined ? {} : { [color]: label(record[color]) }) };
  });
}

function label(value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'number' || typeof value === 'string' ? value : typeof value === 'object' ? show(value) : String(value);
}

/** A field name as Vega-Lite reads it: dots and brackets would otherwise mean nested fields. */
function field(name: string): string {
  return name.replace(/[.[\]\\]/g, '\\$&');
}

/** Labels are cut into lines after their commas: `Node, 6 threads` is `Node` over `6 threads`. */
const LABEL_LINES = "split(datum.label, ', ')";

/** Colours side by side only when some x has bars of several colours; else each bar is just coloured. */
function sideBySide(values: Datum[], x: string, color: string): boolean {
  const colours = new Map<string, Set<string>>();
  for (const datum of values) {
    const key = String(datum[x]);
    colours.set(key, (colours.get(key) ?? new Set()).add(String(datum[color])));
  }
  return [...colours.values()].some((set) => set.size > 1);
}

/** The Vega-Lite spec: bars (grouped by colour when asked), their values above them, x in the rows' order. */
export function barChartSpec(values: Datum[], { x, y, color, title, xTitle, yTitle, width, height, rule }: BarChartOptions): VegaLiteSpec {
  const categories = new Set(values.map((datum) => String(datum[x])));
  const grouped = color !== undefined && sideBySide(values, x, color);
  const groups = grouped ? new Set(values.map((datum) => String(datum[color]))).size : 1;
  const longest = Math.max(0, ...[...categories].flatMap((name) => name.split(', ')).map((line) => line.length));
  const perCategory = Math.max(groups * 24 + 16, Math.min(longest * 7 + 8, 120));
  const plotWidth = width ?? Math.max(360, categories.size * perCategory);
  // Labels lie flat when they fit under their bars, and slant when they would overlap.
  const labelAngle = longest * 7 > plotWidth / Math.max(categories.size, 1) ? -40 : 0;
  const colourBy = color === undefined ? {} : {
    ...(grouped ? { xOffset: { field: field(color), type: 'nominal', sort: null } } : {}),
    color: { field: field(color), type: 'nominal', sort: null, title: color },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title === undefined ? {} : { title }),
    width: plotWidth,
    height: height ?? 240,
    data: { values },
    encoding: {
      x: { field: field(x), type: 'nominal', sort: null, title: xTitle ?? x, axis: { labelAngle, labelExpr: LABEL_LINES, ...(labelAngle === 0 ? {} : { labelAlign: 'right' }) } },
      y: { field: field(y), type: 'quantitative', title: yTitle ?? y },
      ...colourBy,
    },
    layer: [
      { mark: { type: 'bar', ...(color === undefined ? { color: MARK_COLOUR } : {}) } },
      {
        mark: { type: 'text', baseline: 'bottom', dy: -2, fontSize: 10, color: TEXT_COLOUR },
        encoding: { text: { field: field(y), type: 'quantitative', format: ',.4~r' }, color: { value: TEXT_COLOUR } },
      },
      ...(rule === undefined ? [] : ruleLayers(rule)),
    ],
    config: chartConfig(),
  };
}

function summaryOf(values: Datum[], { x, y, color, title }: BarChartOptions): string {
  const bars = `${values.length} bar${values.length === 1 ? '' : 's'}`;
  return `bar chart${title ? ` "${title}"` : ''}: ${y} by ${x}${color ? ` and ${color}` : ''} (${bars})`;
}

/** A dashed line at `rule.y` across the plot, and its label at the right end. */
function ruleLayers(rule: { y: number; label?: string }): object[] {
  const at = { data: { values: [{ rule: rule.y, label: rule.label ?? '' }] } };
  const y = { field: 'rule', type: 'quantitative' };
  return [
    { ...at, mark: { type: 'rule', strokeDash: [6, 4], color: '#b91c1c' }, encoding: { x: null, y, xOffset: null, color: null } },
    ...(rule.label ? [{ ...at, mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -2, x: 'width', fontSize: 11, color: '#b91c1c' }, encoding: { x: null, y, xOffset: null, color: null, text: { field: 'label' } } }] : []),
  ];
}
