/**
 * `loom/display`: results as tables and charts that a notebook shows richly
 * (HTML, SVG) and a console or script shows as text.
 *
 *   table(rows, { caption, digits })         an HTML table; String(t) is aligned text
 *   await barChart(rows, { x, y, color })    Vega-Lite drawn to SVG in Node
 *   await vegaLite(spec)                     any Vega-Lite spec with inline data
 *
 * In the loom kernel, a cell's last expression or `display(x)` shows them.
 * Maps on pools and executors show their own progress there (see `hooks.progress`).
 *
 * @module
 */
export { table, Table, type TableOptions } from './table.js';
export { barChart, type BarChartOptions } from './bar-chart.js';
export { Chart, vegaLite, type VegaLiteSpec } from './chart.js';
export { JUPYTER_DISPLAY, type MimeBundle } from './html.js';
export type { ProgressOption } from './map-progress.js';
