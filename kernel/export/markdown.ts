/**
 * Markdown cells and text/markdown outputs, rendered like Jupyter does:
 * CommonMark plus tables and strikethrough (markdown-it), raw HTML allowed,
 * fenced code highlighted, headings given ids to link to, and images that
 * point at cell attachments (`attachment:name.png`) inlined as data URIs.
 */
import MarkdownIt from 'markdown-it';
type Token = MarkdownIt.Token;
import { escapeHtml } from '../../src/host/index.js';
import { joinText } from '../jupyter/nbformat.js';
import type { MimeBundle } from '../jupyter/output.js';
import { highlight } from './highlight.js';

interface RenderEnv extends MarkdownIt.Env {
  attachments?: Record<string, MimeBundle>;
  /** Heading ids used so far on the page, so each is unique. */
  ids?: Set<string>;
  /** Every heading rendered so far on the page, for its table of contents. */
  headings?: Heading[];
}

/** A heading of the page: its level (1 for #), the id it links to, and its plain text. */
export interface Heading {
  level: number;
  id: string;
  text: string;
}

const md = new MarkdownIt({
  html: true,
  linkify: true,
  highlight: (code, language) => `<pre class="hljs"><code>${language ? highlight(code, language.toLowerCase()) : escapeHtml(code)}</code></pre>`,
});

const renderImage = md.renderer.rules.image!;
md.renderer.rules.image = (tokens, index, options, env: RenderEnv = {}, self) => {
  const token = tokens[index];
  const src = String(token.attrGet('src') ?? '');
  if (src.startsWith('attachment:')) {
    const uri = attachmentUri(env.attachments?.[decodeURIComponent(src.slice('attachment:'.length))]);
    if (uri) token.attrSet('src', uri);
  }
  return renderImage(tokens, index, options, env, self);
};

const renderHeading = md.renderer.rules.heading_open ?? ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));
md.renderer.rules.heading_open = (tokens, index, options, env: RenderEnv = {}, self) => {
  const base = slug(headingText(tokens[index + 1])) || 'section';
  env.ids ??= new Set();
  let id = base;
  for (let n = 2; env.ids.has(id); n++) id = `${base}-${n}`;
  env.ids.add(id);
  tokens[index].attrSet('id', id);
  env.headings?.push({ level: Number(tokens[index].tag.slice(1)), id, text: headingText(tokens[index + 1]) });
  return renderHeading(tokens, index, options, env, self);
};

export interface MarkdownPage {
  ids: Set<string>;
  /** Filled with the headings of every cell rendered with this page. */
  headings?: Heading[];
}

/** Renders one markdown source; pass the same `page` for every cell of a page so heading ids stay unique. */
export function renderMarkdown(source: string, page: MarkdownPage, attachments?: Record<string, MimeBundle>): string {
  return md.render(source, { attachments, ids: page.ids, headings: page.headings } satisfies RenderEnv);
}

/** The plain text of the first heading in a markdown source, if it has one. */
export function firstHeading(source: string): string | undefined {
  const tokens = md.parse(source, {});
  const index = tokens.findIndex((token) => token.type === 'heading_open');
  const text = index >= 0 ? headingText(tokens[index + 1]) : '';
  return text || undefined;
}

function attachmentUri(bundle: MimeBundle | undefined): string | undefined {
  if (!bundle) return undefined;
  const mime = Object.keys(bundle).find((type) => type.startsWith('image/'));
  if (!mime) return undefined;
  const data = joinText(bundle[mime]);
  if (mime === 'image/svg+xml') return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(data)}`;
  return `data:${mime};base64,${data.replace(/\s+/g, '')}`;
}

/** A heading's inline token -> its text without markup. */
function headingText(inline: Token | undefined): string {
  return (inline?.children ?? []).map((child) => child.content).join('').trim();
}

function slug(text: string): string {
  return text.toLowerCase().trim().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s+/g, '-');
}
