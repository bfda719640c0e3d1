/**
 * How an executed notebook ended, read from the notebook itself (so the index
 * can tell it for notebooks run earlier): fine, stopped by an error, or with
 * cells that never ran (a time limit, a dead kernel, an interrupted run).
 */
import { cellTags, joinText, type CodeCell, type Notebook } from '../jupyter/nbformat.js';

export type NotebookStatus =
  | { kind: 'ok'; cells: number }
  | { kind: 'error'; cells: number; cell: number; message: string }
  | { kind: 'incomplete'; cells: number; cell: number };

export function notebookStatus(notebook: Notebook): NotebookStatus {
  const cells = notebook.cells.filter((cell): cell is CodeCell => cell.cell_type === 'code');
  for (const [index, cell] of cells.entries()) {
    const tags = cellTags(cell);
    const error = cell.outputs.find((output) => output.output_type === 'error');
    if (error && !tags.includes('raises-exception')) {
      return { kind: 'error', cells: cells.length, cell: index + 1, message: `${error.ename}: ${error.evalue}` };
    }
    const ran = cell.execution_count !== null || tags.includes('skip-execution') || joinText(cell.source).trim() === '';
    if (!ran) return { kind: 'incomplete', cells: cells.length, cell: index + 1 };
  }
  return { kind: 'ok', cells: cells.length };
}
