/**
 * Text into HTML, and the method name Jupyter kernels look for to show an
 * object richly. The loom kernel reaches this file through loom/host (its
 * executor and its HTML export), so it stays free of imports: loading it
 * must not load the charts behind loom/display's entry point.
 */

/**
 * An object with a method under this symbol returning a MIME bundle
 * (`{'text/html': ..., 'text/plain': ...}`) is shown with that bundle by the
 * loom kernel (a cell's last expression or `display(x)`), as IPython does with
 * `_repr_mimebundle_`.
 */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display');

/** What a displayable object gives: MIME type -> text (the kernel also takes bytes and JSON). */
export type MimeBundle = Record<string, string>;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and for attribute values in double quotes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}
