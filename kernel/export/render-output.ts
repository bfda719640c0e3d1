/**
 * One nbformat output as HTML. Rich data is shown in the richest form the page
 * can show without running scripts, in about the order nbconvert prefers:
 * HTML, SVG (inline), bitmaps (data URIs), Markdown, JSON, plain text.
 */
import { escapeHtml } from '../../src/host/index.js';
import { joinText, type JsonObject, type Output } from '../jupyter/nbformat.js';
import type { MimeBundle } from '../jupyter/output.js';
import type { AnsiToHtml } from './ansi.js';
import { highlight } from './highlight.js';
import { renderMarkdown, type MarkdownPage } from './markdown.js';

export interface OutputContext {
  ansi: AnsiToHtml;
  page: MarkdownPage;
}

const BITMAPS = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const PREFERRED = ['text/html', 'image/svg+xml', ...BITMAPS, 'text/markdown', 'application/json', 'text/plain', 'text/latex'];

export function renderOutput(output: Output, context: OutputContext): string {
  switch (output.output_type) {
    case 'stream':
      return `<pre class="stream ${escapeHtml(output.name)}">${context.ansi(joinText(output.text))}</pre>`;
    case 'error': {
      const traceback = output.traceback.length > 0 ? output.traceback.join('\n') : `${output.ename}: ${output.evalue}`;
      return `<pre class="error">${context.ansi(traceback)}</pre>`;
    }
    case 'display_data':
    case 'execute_result':
      return renderBundle(output.data, output.metadata, context);
  }
}

function renderBundle(data: MimeBundle, metadata: JsonObject, context: OutputContext): string {
  const mime = PREFERRED.find((type) => data[type] !== undefined);
  if (mime === undefined) {
    const types = Object.keys(data).join(', ') || 'no data';
    return `<div class="unsupported">(an output of type ${escapeHtml(types)} that this page cannot show)</div>`;
  }
  const value = data[mime];
  const text = joinText(value);
  if (mime === 'text/html') return `<div class="html">${text}</div>`;
  if (mime === 'image/svg+xml') return `<div class="svg">${inlineSvg(text)}</div>`;
  if (BITMAPS.includes(mime)) return image(mime, text, metadata[mime]);
  // Its ids stay unique on the page; its headings are an output's, not part of the notebook's contents.
  if (mime === 'text/markdown') return `<div class="markdown">${renderMarkdown(text, { ids: context.page.ids })}</div>`;
  if (mime === 'application/json') {
    const json = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    return `<pre class="json hljs">${highlight(json, 'json')}</pre>`;
  }
  if (mime === 'text/latex') return `<pre class="latex">${escapeHtml(text)}</pre>`;
  return `<pre class="plain">${context.ansi(text)}</pre>`;
}

/** The XML declaration and doctype are not allowed inside an HTML page. */
function inlineSvg(svg: string): string {
  return svg.replace(/<\?xml[^>]*\?>/g, '').replace(/<!DOCTYPE[^>[]*(\[[^\]]*\])?>/gi, '').trim();
}

function image(mime: string, base64: string, metadata: unknown): string {
  const size = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
  const attributes = ['width', 'height']
    .filter((name) => typeof size[name] === 'number' || typeof size[name] === 'string')
    .map((name) => ` ${name}="${escapeHtml(String(size[name]))}"`)
    .join('');
  return `<div class="image"><img src="data:${mime};base64,${base64.replace(/\s+/g, '')}"${attributes} alt=""></div>`;
}
