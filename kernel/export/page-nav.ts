/**
 * Finding one's way through the chapter's pages: a table of contents from a
 * page's headings, and links to the notebooks before and after it.
 */
import { escapeHtml } from '../../src/host/index.js';
import type { Heading } from './markdown.js';

/** A neighbouring notebook's page. */
export interface PageLink {
  /** File name without .ipynb; its page is `<name>.html` beside this one. */
  name: string;
  title: string;
}

/** Sections (##) and subsections (###); the # heading is the page's title. */
const CONTENTS_LEVELS = new Set([2, 3]);

/** A closable list of the page's sections, or nothing for a page with fewer than two. */
export function tableOfContents(headings: readonly Heading[]): string {
  const entries = headings.filter((heading) => CONTENTS_LEVELS.has(heading.level));
  if (entries.length < 2) return '';
  const items = entries.map(({ level, id, text }) => `<li class="level-${level}"><a href="#${escapeHtml(encodeURIComponent(id))}">${escapeHtml(text)}</a></li>`);
  return `<nav class="toc" aria-label="Contents"><details open><summary>Contents</summary><ul>\n${items.join('\n')}\n</ul></details></nav>`;
}

/** `← previous` and `next →`, either of which may be missing. */
export function pager(previous: PageLink | undefined, next: PageLink | undefined): string {
  if (!previous && !next) return '';
  const link = (page: PageLink | undefined, rel: 'prev' | 'next') => {
    if (!page) return '<span></span>';
    const arrowed = rel === 'prev' ? `← ${escapeHtml(page.title)}` : `${escapeHtml(page.title)} →`;
    return `<a rel="${rel}" href="${escapeHtml(encodeURIComponent(page.name))}.html">${arrowed}</a>`;
  };
  return `<nav class="pager" aria-label="Chapter">${link(previous, 'prev')}${link(next, 'next')}</nav>`;
}
