/**
 * The display API, written once: `display`, its helpers and handles, and
 * `clearOutput`, built over a `send` that says where the messages go. The
 * executor's main thread sends them as frames of the running cell
 * (display.ts); a thread a cell started, a pool task and a child process send
 * them to the cell that started the work (worker-display.ts,
 * child-display.ts). Light to load (no kernel state): every worker requires it.
 *
 *   display(value)                         text/plain, or the value's own bundle
 *   display.html('<b>hi</b>')              also markdown, svg, png, jpeg, json, latex, text
 *   display({'text/html': s}, {raw: true}) a MIME bundle as it is
 *   const h = display('0%', {displayId: true}); h.update('50%')
 *   display('75%', {displayId: h.displayId, update: true})   IPython's update=True
 *   clearOutput({wait: true})
 *
 * A value with a method under Symbol.for('Jupyter.display') that returns a MIME
 * bundle is shown with that bundle, by display() and as a cell's result.
 */
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { ArgumentTypeError } from '../../../src/errors.js';
import { JUPYTER_DISPLAY } from '../../../src/host/index.js';
import type { MimeBundle } from '../../jupyter/output.js';

export interface DisplayOptions {
  /** The value is a MIME bundle (mime type -> data) to show as it is. */
  raw?: boolean;
  /** Jupyter display metadata, e.g. {'image/png': {width: 200}}. */
  metadata?: Record<string, unknown>;
  /** Names the output so that it can be updated later; `true` picks a fresh id. */
  displayId?: string | true;
  /** Replaces the output named `displayId` instead of adding one (IPython's `update=True`). */
  update?: boolean;
}

export interface DisplayHandle {
  readonly displayId: string;
  /**
   * Replaces what this output shows, wherever it is in the notebook. A handle
   * made by a helper (`display.html`, `.markdown`, `.png`...) shows a string
   * (or image bytes) the same way again; any other value as display() would.
   */
  update(value: unknown, options?: Omit<DisplayOptions, 'displayId' | 'update'>): void;
}

type MediaOptions = Omit<DisplayOptions, 'raw'>;
type ImageOptions = MediaOptions & { width?: number; height?: number };

/** A helper: with a displayId it always returns a handle, so `h.update(...)` needs no `!`. */
interface Shows<T, O> {
  (content: T, options: O & { displayId: string | true }): DisplayHandle;
  (content: T, options?: O): DisplayHandle | undefined;
}

export interface Display extends Shows<unknown, DisplayOptions> {
  html: Shows<string, MediaOptions>;
  markdown: Shows<string, MediaOptions>;
  svg: Shows<string, MediaOptions>;
  /** Base64 text (a data: URL is fine) or the bytes of the image. */
  png: Shows<string | Uint8Array, ImageOptions>;
  jpeg: Shows<string | Uint8Array, ImageOptions>;
  json: Shows<unknown, MediaOptions>;
  latex: Shows<string, MediaOptions>;
  text: Shows<string, MediaOptions>;
}

/** The helpers, by the name a handle remembers. */
type MediaKind = Exclude<keyof Display, keyof Function>;

export type ClearOutput = (options?: { wait?: boolean }) => void;

/** What the display API asks to show: a frame for the kernel once the cell's parent is added. */
export type DisplayMessage =
  | { type: 'display'; data: MimeBundle; metadata: Record<string, unknown>; displayId?: string; update: boolean }
  | { type: 'clear'; wait: boolean };

/** How Node's REPL shows a value, without colours. */
export function plainText(value: unknown): string {
  return inspect(value, { colors: false, showProxy: true });
}

/** The bundle for a value: text/plain, plus whatever its Jupyter.display method gives. */
export function bundleOf(value: unknown): MimeBundle {
  const method = value !== null && (typeof value === 'object' || typeof value === 'function')
    ? (value as Record<symbol, unknown>)[JUPYTER_DISPLAY] : undefined;
  const own: unknown = typeof method === 'function' ? method.call(value) : undefined;
  return normalize({ 'text/plain': plainText(value), ...(typeof own === 'object' && own !== null ? own as MimeBundle : {}) });
}

/** Binary data in a bundle travels as base64, as Jupyter expects it. */
function normalize(bundle: MimeBundle): MimeBundle {
  const out: MimeBundle = {};
  for (const [mime, data] of Object.entries(bundle)) {
    out[mime] = data instanceof Uint8Array ? Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') : data;
  }
  return out;
}

/**
 * A handle's update, written to work wherever the handle is copied to: a
 * handle a cell made, captured by a Thread target or a pool task, reaches the
 * worker with this function shipped by source, and there it calls the
 * worker's own `display` global (the shipper leaves global names to the
 * worker). So it must name nothing but globals and `this`.
 */
function update(this: DisplayHandle & { kind?: MediaKind }, value: unknown, options?: Omit<DisplayOptions, 'displayId' | 'update'>): void {
  const display = (globalThis as unknown as { display: Display }).display;
  const kind = this.kind;
  const again = kind !== undefined && (kind === 'json' || typeof value === 'string' || value instanceof Uint8Array);
  const show = (again ? display[kind] : display) as (value: unknown, options: DisplayOptions) => unknown;
  show(value, { ...options, displayId: this.displayId, update: true });
}

/** How a handle prints, e.g. as a cell's result: as IPython's does. */
function describeHandle(this: DisplayHandle): string {
  return `<DisplayHandle display_id=${this.displayId}>`;
}

function handleFor(displayId: string, kind: MediaKind | undefined): DisplayHandle {
  // The inspect method is keyed by a symbol: a copy sent to a worker leaves it behind, and keeps the rest.
  return { displayId, ...(kind === undefined ? {} : { kind }), update, [inspect.custom]: describeHandle } as DisplayHandle;
}

/** The display API over `send`, which takes each message to the cell (and throws when it cannot). */
export function makeDisplay(send: (message: DisplayMessage) => void): { display: Display; clearOutput: ClearOutput } {
  function displayValue(value: unknown, options?: DisplayOptions, kind?: MediaKind): DisplayHandle | undefined {
    const data = options?.raw ? normalize(value as MimeBundle) : bundleOf(value);
    const displayId = options?.displayId === true ? randomUUID() : options?.displayId;
    const isUpdate = options?.update === true;
    // IPython's display(obj, update=True) without a display_id raises the same TypeError.
    if (isUpdate && displayId === undefined) throw new ArgumentTypeError('displayId required for update: display(value, {displayId, update: true}) replaces the output with that displayId');
    send({
      type: 'display',
      data,
      metadata: options?.metadata ?? {},
      ...(displayId === undefined ? {} : { displayId }),
      update: isUpdate,
    });
    return displayId === undefined ? undefined : handleFor(displayId, kind);
  }

  function media<T>(kind: MediaKind, build: (content: T) => MimeBundle) {
    return (content: T, options?: MediaOptions) => displayValue(build(content), { ...options, raw: true }, kind);
  }

  function image(kind: MediaKind, mime: string) {
    return (content: string | Uint8Array, options?: ImageOptions) => {
      const base64 = typeof content === 'string' ? content.replace(/^data:[^,]*,/, '') : Buffer.from(content).toString('base64');
      const size = { ...(options?.width ? { width: options.width } : {}), ...(options?.height ? { height: options.height } : {}) };
      const metadata = Object.keys(size).length > 0 ? { ...options?.metadata, [mime]: size } : options?.metadata;
      return displayValue({ [mime]: base64, 'text/plain': `<${mime} image>` }, { ...options, metadata, raw: true }, kind);
    };
  }

  const display = Object.assign((value: unknown, options?: DisplayOptions) => displayValue(value, options), {
    html: media('html', (html: string) => ({ 'text/html': html, 'text/plain': '<HTML>' })),
    markdown: media('markdown', (markdown: string) => ({ 'text/markdown': markdown, 'text/plain': markdown })),
    svg: media('svg', (svg: string) => ({ 'image/svg+xml': svg, 'text/plain': '<SVG image>' })),
    png: image('png', 'image/png'),
    jpeg: image('jpeg', 'image/jpeg'),
    json: media('json', (value: unknown) => ({ 'application/json': value, 'text/plain': plainText(value) })),
    latex: media('latex', (latex: string) => ({ 'text/latex': latex, 'text/plain': latex })),
    text: media('text', (text: string) => ({ 'text/plain': text })),
  }) as Display;

  /** Clears the cell's output now, or (wait) just before its next output arrives. */
  function clearOutput(options?: { wait?: boolean }): void {
    send({ type: 'clear', wait: options?.wait ?? false });
  }

  return { display, clearOutput };
}
