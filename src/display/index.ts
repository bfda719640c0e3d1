/**
 * `loom/display`: results as tables and charts that a notebook shows richly
 * (HTML, SVG) and a console or script shows as text, and the measurements
 * behind them.
 *
 *   table(rows, { caption, digits })         an HTML table; String(t) is aligned text
 *   await barChart(rows, { x, y, color })    Vega-Lite drawn to SVG in Node
 *   await timeline(spans)                    who ran when, as a Gantt chart (spans timed with clock())
 *   await vegaLite(spec)                     any Vega-Lite spec with inline data
 *   await timeRuns(work, { runs })           seconds over several runs: median, min, max
 *   await machineLoad()                      how much other work used the processors
 *   runPython(program)                       the python3 on PATH, for a side-by-side
 *
 * In the loom kernel, a cell's last expression or `display(x)` shows them.
 * Maps on pools and executors show their own progress there (see `progressHooks.progress` in loom/host).
 *
 * @module
 */
export { table, Table, type TableOptions } from './table.js';
export { barChart, type BarChartOptions } from './bar-chart.js';
export { timeline, type Span, type TimelineOptions } from './timeline.js';
export { clock } from './clock.js';
export { Chart, vegaLite, type VegaLiteSpec } from './chart.js';
export { timeRuns, Timing, type TimeRunsOptions } from './time-runs.js';
export { machineLoad, Load, type MachineLoadOptions } from './machine-load.js';
export { runPython, type PythonRun, type RunPythonOptions } from './run-python.js';
export { JUPYTER_DISPLAY, type MimeBundle } from './html.js';
export type { ProgressOption } from './map-progress.js';
