/**
 * A chart drawn to SVG: shows as an image in JupyterLab and inline in
 * exported pages (both take `image/svg+xml`), and as a one-line summary in
 * consoles and scripts. barChart() makes one; vegaLite() makes one from any
 * Vega-Lite spec.
 */
import { inspect } from 'node:util';
import { typeError } from '../internal/validate.js';
import { JUPYTER_DISPLAY, type MimeBundle } from './html.js';
import { renderVegaLite } from './render-svg.js';

/** A Vega-Lite specification (https://vega.github.io/vega-lite/docs/spec.html), as JSON. */
export interface VegaLiteSpec {
  $schema?: string;
  [key: string]: unknown;
}

/** The Vega-Lite version whose schema the specs made here name. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The one colour of a chart with no colour groups (Vega's first). */
export const MARK_COLOUR = '#4c78a8';
export const TEXT_COLOUR = '#374151';

/**
 * The look every chart made here shares: no frame, quiet grey axes, and
 * legend labels up to 320 px (Vega-Lite cuts at 160, about 18 characters).
 * A new object each time: a chart's spec is the user's to edit.
 */
export function chartConfig(): object {
  return {
    view: { stroke: null },
    legend: { labelLimit: 320 },
    axis: { labelColor: TEXT_COLOUR, titleColor: TEXT_COLOUR, domainColor: '#9ca3af', tickColor: '#9ca3af', gridColor: '#e5e7eb' },
  };
}

export class Chart {
  /** The Vega-Lite spec it was drawn from (paste it into the Vega editor to tweak it). */
  readonly spec: VegaLiteSpec;
  /** The chart as an SVG document. */
  readonly svg: string;
  readonly #summary: string;

  /** @internal Use barChart() or vegaLite(). */
  constructor(spec: VegaLiteSpec, svg: string, summary: string) {
    this.spec = spec;
    this.svg = svg;
    this.#summary = summary;
  }

  /** A one-line description, e.g. `bar chart: seconds by workers (4 bars)`. */
  toString(): string {
    return this.#summary;
  }

  /** What the loom kernel shows: the SVG, and the summary for consoles. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return { 'image/svg+xml': this.svg, 'text/plain': this.#summary };
  }

  /** `console.log(chart)` prints the summary, not the SVG. */
  [inspect.custom](): string {
    return `Chart <${this.#summary}>`;
  }
}

/**
 * Draws any Vega-Lite spec as a Chart. The data must be inline
 * (`data: {values: [...]}`): nothing is fetched or read from files.
 *
 * @example
 * await vegaLite({ data: { values: rows }, mark: 'line', encoding: { x: { field: 'n', type: 'quantitative' }, y: { field: 's', type: 'quantitative' } } })
 */
export async function vegaLite(spec: VegaLiteSpec, options: { summary?: string } = {}): Promise<Chart> {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw typeError('spec', 'a Vega-Lite spec (an object)', spec);
  if (options.summary !== undefined && typeof options.summary !== 'string') throw typeError('summary', 'a string', options.summary);
  const full: VegaLiteSpec = { $schema: VEGA_LITE_SCHEMA, ...spec };
  const title = typeof spec.title === 'string' ? `: ${spec.title}` : '';
  return new Chart(full, await renderVegaLite(full), options.summary ?? `Vega-Lite chart${title}`);
}
