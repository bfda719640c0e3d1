/**
 * The chapter notebooks and what each cell promises (metadata `loom`):
 * `expect` strings its outputs must contain, `svg` when it shows a chart,
 * `answer` for its input() prompts. Shared by the notebook tests.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { joinText, type Cell, type CodeCell, type Notebook, type Output } from '../../kernel/jupyter/nbformat.js';
import { readNotebook } from '../../kernel/runner/read-notebook.js';
import { ROOT } from '../runner/cli.js';

export const NOTEBOOKS_DIR = join(ROOT, 'notebooks');

export interface Expectation {
  expect?: string[];
  svg?: boolean;
  answer?: string;
}

/** Every notebook in notebooks/, by file name without `.ipynb`. */
export function notebookNames(): string[] {
  return readdirSync(NOTEBOOKS_DIR).filter((name) => name.endsWith('.ipynb') && !name.startsWith('.')).map((name) => name.slice(0, -'.ipynb'.length)).sort();
}

export function readChapter(name: string): Notebook {
  return readNotebook(join(NOTEBOOKS_DIR, `${name}.ipynb`));
}

export function codeCells(notebook: Notebook): CodeCell[] {
  return notebook.cells.filter((cell): cell is CodeCell => cell.cell_type === 'code');
}

/** The cell's `loom` metadata, or an empty one. */
export function expectationOf(cell: Cell): Expectation {
  const loom = cell.metadata.loom;
  return typeof loom === 'object' && loom !== null ? (loom as Expectation) : {};
}

/** All the text a reader sees in a cell's outputs: streams, text and HTML results, errors. */
export function outputText(outputs: Output[]): string {
  return outputs.map((output) => {
    switch (output.output_type) {
      case 'stream':
        return joinText(output.text);
      case 'error':
        return [`${output.ename}: ${output.evalue}`, ...output.traceback].join('\n');
      default:
        return ['text/plain', 'text/html', 'text/markdown'].map((mime) => joinText(output.data[mime])).join('\n');
    }
  }).join('\n');
}

export function hasSvg(outputs: Output[]): boolean {
  return outputs.some((output) => 'data' in output && output.data['image/svg+xml'] !== undefined);
}
