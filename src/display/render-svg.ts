/**
 * Vega-Lite spec -> SVG text, in Node, with the `vega` and `vega-lite`
 * packages: no browser, no canvas, no network.
 *
 * Both packages are ESM-only from version 6 and this library is CommonJS, so
 * they are loaded with import() (which CommonJS may call) on the first chart,
 * once; scripts and cells that draw no chart never load them.
 */
import type { Loader, ViewOptions } from 'vega';

type Logger = NonNullable<ViewOptions['logger']>;

type Modules = [typeof import('vega'), typeof import('vega-lite')];

let modules: Promise<Modules> | undefined;

function load(): Promise<Modules> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]);
  return modules;
}

/**
 * Charts are drawn from the data in their spec only: a spec that names a URL
 * or a file (data, images) fails with this error instead of reaching out.
 */
function refuse(uri: string): Promise<never> {
  return Promise.reject(new Error(`loom/display draws charts offline and loads nothing: put the data for ${JSON.stringify(uri)} inline (data: { values: [...] })`));
}

const OFFLINE: Loader = { load: refuse, sanitize: refuse, http: refuse, file: refuse };

/**
 * Vega reports errors of its dataflow to its logger and goes on drawing (a
 * refused load is even a warning, with the error as an argument); this logger
 * keeps them so the chart fails instead of showing up empty.
 */
function errorKeeper(errors: unknown[][]): Logger {
  let level = 0;
  const logger: Logger = {
    level: (value?: number) => (value === undefined ? level : ((level = value), logger)),
    error: (...args: unknown[]) => (errors.push(args), logger),
    warn: (...args: unknown[]) => (args.some((arg) => arg instanceof Error) && errors.push(args), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

function failure(args: unknown[]): Error {
  return args.find((arg): arg is Error => arg instanceof Error) ?? new Error(args.map(String).join(' '));
}

/**
 * Renders a Vega-Lite spec to an SVG document (text). The spec is copied
 * first: Vega marks the data objects it draws.
 */
export async function renderVegaLite(spec: object): Promise<string> {
  const [vega, vegaLite] = await load();
  const compiled = vegaLite.compile(structuredClone(spec) as Parameters<typeof vegaLite.compile>[0]).spec;
  const errors: unknown[][] = [];
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: OFFLINE, logger: errorKeeper(errors) });
  try {
    await view.runAsync();
    if (errors.length > 0) throw failure(errors[0]);
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
