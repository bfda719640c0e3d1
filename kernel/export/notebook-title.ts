/** A notebook's title: the text of its first Markdown heading, else the fallback (its file name). */
import { joinText, type Notebook } from '../jupyter/nbformat.js';
import { firstHeading } from './markdown.js';

export function notebookTitle(notebook: Notebook, fallback: string): string {
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'markdown') continue;
    const heading = firstHeading(joinText(cell.source));
    if (heading) return heading;
  }
  return fallback;
}
