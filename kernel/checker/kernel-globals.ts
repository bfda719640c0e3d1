/**
 * The ambient declarations of what the kernel defines in every cell, for the
 * language service. The values come from the executor
 * (kernel/executor/runtime/display-api.ts, input.ts, errors.ts); these
 * declarations mirror them and must follow when they change. `display` and
 * `clearOutput` exist, the same, inside the threads, pool tasks and processes
 * a cell starts (worker-display.ts, child-display.ts).
 */
export const KERNEL_GLOBALS_D_TS = `
/**
 * Shows a value in the cell's output: its rich representation when it has one
 * (a method under Symbol.for('Jupyter.display') returning a MIME bundle), else as text.
 * With \`displayId\`, returns a handle whose update() replaces the output later.
 * Works the same inside a Thread, a pool task or a Process a cell starts: the
 * output lands in the cell that started the work.
 */
declare function display(value: unknown, options: display.Options & { displayId: string | true }): display.Handle;
declare function display(value: unknown, options?: display.Options): display.Handle | undefined;
declare namespace display {
  interface Options {
    /** The value is a MIME bundle (mime type -> data) to show as it is. */
    raw?: boolean;
    /** Jupyter display metadata, e.g. {'image/png': {width: 200}}. */
    metadata?: Record<string, unknown>;
    /** Names the output so that it can be updated later; \`true\` picks a fresh id. */
    displayId?: string | true;
    /** Replaces the output named \`displayId\` instead of adding one (IPython's \`update=True\`). */
    update?: boolean;
  }
  type MediaOptions = Omit<Options, 'raw'>;
  type ImageOptions = MediaOptions & { width?: number; height?: number };
  /** Options naming the output: the call then always returns a handle. */
  type Named = { displayId: string | true };
  interface Handle {
    readonly displayId: string;
    /**
     * Replaces what this output shows, wherever it is in the notebook. A handle
     * made by a helper (\`display.html\`, \`.markdown\`, \`.png\`...) shows a string
     * (or image bytes) the same way again; any other value as display() would.
     */
    update(value: unknown, options?: Omit<Options, 'displayId' | 'update'>): void;
  }
  /** Shows HTML (text/html). */
  function html(html: string, options: MediaOptions & Named): Handle;
  function html(html: string, options?: MediaOptions): Handle | undefined;
  /** Shows Markdown (text/markdown). */
  function markdown(markdown: string, options: MediaOptions & Named): Handle;
  function markdown(markdown: string, options?: MediaOptions): Handle | undefined;
  /** Shows an SVG image (image/svg+xml). */
  function svg(svg: string, options: MediaOptions & Named): Handle;
  function svg(svg: string, options?: MediaOptions): Handle | undefined;
  /** Shows a PNG image: base64 text (a data: URL is fine) or the bytes of the image. */
  function png(image: string | Uint8Array, options: ImageOptions & Named): Handle;
  function png(image: string | Uint8Array, options?: ImageOptions): Handle | undefined;
  /** Shows a JPEG image: base64 text (a data: URL is fine) or the bytes of the image. */
  function jpeg(image: string | Uint8Array, options: ImageOptions & Named): Handle;
  function jpeg(image: string | Uint8Array, options?: ImageOptions): Handle | undefined;
  /** Shows a value as JSON (application/json), which frontends render as a tree. */
  function json(value: unknown, options: MediaOptions & Named): Handle;
  function json(value: unknown, options?: MediaOptions): Handle | undefined;
  /** Shows LaTeX (text/latex). */
  function latex(latex: string, options: MediaOptions & Named): Handle;
  function latex(latex: string, options?: MediaOptions): Handle | undefined;
  /** Shows plain text. */
  function text(text: string, options: MediaOptions & Named): Handle;
  function text(text: string, options?: MediaOptions): Handle | undefined;
}
/** Clears the cell's output now, or (\`wait: true\`) just before its next output arrives. */
declare function clearOutput(options?: { wait?: boolean }): void;
/**
 * Asks the user for a line of text and waits for it, like Python's input().
 * With \`password: true\` the frontend hides what is typed.
 */
declare function input(prompt?: string, options?: { password?: boolean }): string;
/** The user interrupted the cell (Jupyter's interrupt button). */
declare class KeyboardInterrupt extends Error {
  readonly name: 'KeyboardInterrupt';
  readonly code: 'LOOM_KEYBOARD_INTERRUPT';
}
/** input() was called but the frontend cannot answer (allow_stdin is false). */
declare class StdinNotImplementedError extends Error {
  readonly name: 'StdinNotImplementedError';
  readonly code: 'LOOM_STDIN_NOT_IMPLEMENTED';
}
`;
