/**
 * Writes a notebook the way Jupyter's nbformat does (sorted keys, one-space
 * indent, text split into lines, a final newline), so an executed notebook
 * saved by us and one saved by Jupyter diff cleanly.
 */
import { writeFileSync } from 'node:fs';
import type { Cell, Notebook, Output } from '../jupyter/nbformat.js';
import type { MimeBundle } from '../jupyter/output.js';

/** Non-text mime types that nbformat nevertheless stores as lines. */
const SPLIT_MIMES = new Set(['application/javascript', 'image/svg+xml']);

export function notebookJson(notebook: Notebook): string {
  const split = { ...notebook, cells: notebook.cells.map(splitCell) };
  return JSON.stringify(sortKeys(split), null, 1) + '\n';
}

export function writeNotebook(file: string, notebook: Notebook): void {
  writeFileSync(file, notebookJson(notebook));
}

function splitCell(cell: Cell): Cell {
  const source = splitLines(cell.source);
  if (cell.cell_type !== 'code') return { ...cell, source };
  return { ...cell, source, outputs: cell.outputs.map(splitOutput) };
}

function splitOutput(output: Output): Output {
  switch (output.output_type) {
    case 'stream':
      return { ...output, text: splitLines(output.text) };
    case 'display_data':
    case 'execute_result':
      return { ...output, data: splitBundle(output.data) };
    case 'error':
      return output;
  }
}

function splitBundle(data: MimeBundle): MimeBundle {
  return Object.fromEntries(Object.entries(data).map(([mime, value]) => [
    mime,
    typeof value === 'string' && (mime.startsWith('text/') || SPLIT_MIMES.has(mime)) ? splitLines(value) : value,
  ]));
}

/** Python's str.splitlines(keepends=True) for \n line ends; lists are left as they are. */
function splitLines(text: string | string[]): string[] {
  if (Array.isArray(text)) return text;
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, item]) => [key, sortKeys(item)]));
}
