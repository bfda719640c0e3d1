/**
 * An executed notebook as one standalone HTML page, laid out like Jupyter's:
 * Markdown rendered, code highlighted as TypeScript with In [n] prompts, and
 * each output under its cell (Out [n] for results), with a table of contents
 * and links to the notebooks before and after it. Cells tagged `solution`
 * (an exercise's answer, collapsed in JupyterLab) are closed until opened.
 * Everything is inline: styles, SVG, images as data URIs; the page loads
 * nothing and runs no script.
 */
import { escapeHtml } from '../../src/host/index.js';
import { joinText, type Cell, type CodeCell, type Notebook } from '../jupyter/nbformat.js';
import { loadAnsiToHtml } from './ansi.js';
import { highlight } from './highlight.js';
import { renderMarkdown } from './markdown.js';
import { notebookStatus } from './notebook-status.js';
import { notebookTitle } from './notebook-title.js';
import { pageFrame } from './page-frame.js';
import { pager, tableOfContents, type PageLink } from './page-nav.js';
import { renderOutput, type OutputContext } from './render-output.js';

export interface PageOptions {
  /** The notebook's file name without .ipynb, shown in the top bar. */
  name: string;
  /** Where the index page is, relative to this page (default: index.html beside it). */
  indexHref?: string;
  /** The notebook before this one in its folder, linked at the top and bottom. */
  previous?: PageLink;
  /** The notebook after this one. */
  next?: PageLink;
}

/** The tag JupyterLab users give a cell that answers an exercise. */
const SOLUTION_TAG = 'solution';

export async function notebookPage(notebook: Notebook, options: PageOptions): Promise<string> {
  const context: OutputContext = { ansi: await loadAnsiToHtml(), page: { ids: new Set(), headings: [] } };
  const title = notebookTitle(notebook, options.name);
  const status = notebookStatus(notebook);
  const failedCell = status.kind === 'ok' ? undefined : status.cell;
  let codeNumber = 0;
  const cells = notebook.cells.map((cell) => {
    if (cell.cell_type !== 'code') return otherCell(cell, context);
    codeNumber += 1;
    return codeCell(cell, codeNumber, codeNumber === failedCell, context);
  });
  const banner = status.kind === 'error'
    ? `<p class="banner">This notebook stopped with an error in <a href="#cell-${status.cell}">cell ${status.cell}</a>: ${escapeHtml(status.message)}</p>`
    : status.kind === 'incomplete'
      ? `<p class="banner">This notebook did not run to the end: <a href="#cell-${status.cell}">cell ${status.cell}</a> and the cells after it did not run.</p>`
      : '';
  const pages = pager(options.previous, options.next);
  const language = (notebook.metadata.language_info as { name?: string; version?: string } | undefined) ?? {};
  const kernel = language.name ? ` · ${escapeHtml(language.name)}${language.version ? ` ${escapeHtml(language.version)}` : ''}` : '';
  return pageFrame(title, `<header class="topbar"><a class="brand" href="${escapeHtml(options.indexHref ?? 'index.html')}">← Loom notebooks</a><span class="file">${escapeHtml(options.name)}.ipynb</span></header>
<main class="notebook">
${pages}${banner}${withContents(cells, notebook, tableOfContents(context.page.headings ?? []))}
${pages}</main>
<footer><p>Executed by <code>loom run</code> with the Loom kernel${kernel}. Source: <code>${escapeHtml(options.name)}.ipynb</code></p></footer>`);
}

/** The contents go under the title, i.e. after a first Markdown cell (where notebooks put it), else first. */
function withContents(cells: string[], notebook: Notebook, contents: string): string {
  const at = notebook.cells[0]?.cell_type === 'markdown' ? 1 : 0;
  return [...cells.slice(0, at), contents, ...cells.slice(at)].filter((part) => part !== '').join('\n');
}

function otherCell(cell: Exclude<Cell, CodeCell>, context: OutputContext): string {
  const source = joinText(cell.source);
  if (cell.cell_type === 'markdown') {
    return `<section class="cell"><div class="markdown">${renderMarkdown(source, context.page, cell.attachments)}</div></section>`;
  }
  // Raw cells meant for HTML go in as they are; other raw cells show their text.
  const format = String(cell.metadata.format ?? cell.metadata.raw_mimetype ?? '');
  const body = format === 'text/html' ? source : `<pre>${escapeHtml(source)}</pre>`;
  return `<section class="cell"><div class="raw">${body}</div></section>`;
}

function codeCell(cell: CodeCell, number: number, failed: boolean, context: OutputContext): string {
  const count = cell.execution_count ?? ' ';
  const outputs = cell.outputs.map((output) => {
    const prompt = output.output_type === 'execute_result'
      ? `<div class="prompt out">Out[${output.execution_count ?? count}]:</div>`
      : '<div class="prompt"></div>';
    return `<div class="output-row">${prompt}<div class="output">${renderOutput(output, context)}</div></div>`;
  });
  const section = `<section class="cell code${failed ? ' failed' : ''}" id="cell-${number}">
<div class="prompt">In&nbsp;[${count}]:</div><div class="source"><pre><code class="language-typescript">${highlight(joinText(cell.source))}</code></pre></div>
${outputs.join('\n')}${outputs.length > 0 ? '<div class="outputs-end"></div>' : ''}
</section>`;
  // A failed solution stays open: the reader must see what went wrong.
  if (!isSolution(cell) || failed) return section;
  return `<details class="solution"><summary>Solution (cell ${number}): open it when you have tried</summary>\n${section}\n</details>`;
}

function isSolution(cell: CodeCell): boolean {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) && tags.includes(SOLUTION_TAG);
}
