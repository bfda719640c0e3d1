/** The index page: every executed notebook with its title, file name and how its run ended. */
import { escapeHtml } from '../../src/host/index.js';
import type { NotebookStatus } from './notebook-status.js';
import { pageFrame } from './page-frame.js';

export interface IndexEntry {
  /** File name without .ipynb; the page is `<name>.html`. */
  name: string;
  title: string;
  status: NotebookStatus;
}

export function indexPage(entries: IndexEntry[]): string {
  const items = entries.map(({ name, title, status }) => `<li>
<div><a class="title" href="${escapeHtml(encodeURIComponent(name))}.html">${escapeHtml(title)}</a><span class="name">${escapeHtml(name)}.ipynb</span></div>
${statusBadge(status)}
</li>`);
  const list = items.length > 0 ? `<ul class="chapters">\n${items.join('\n')}\n</ul>` : '<p class="empty">No notebooks have been run yet.</p>';
  return pageFrame('Loom notebooks', `<main class="index">
<h1>Loom notebooks</h1>
<p class="lede">TypeScript notebooks run with the Loom kernel and its Python-style concurrency library.</p>
${list}
</main>
<footer><p>Executed by <code>loom run</code> with the Loom kernel.</p></footer>`);
}

function statusBadge(status: NotebookStatus): string {
  const cells = `${status.cells} code cell${status.cells === 1 ? '' : 's'}`;
  switch (status.kind) {
    case 'ok':
      return `<span class="status ok" title="${cells}">ran cleanly</span>`;
    case 'error':
      return `<span class="status error" title="${escapeHtml(status.message)}">error in cell ${status.cell} of ${status.cells}</span>`;
    case 'incomplete':
      return `<span class="status incomplete" title="${cells}">stopped at cell ${status.cell} of ${status.cells}</span>`;
  }
}
