/**
 * Reads a .ipynb file and checks it against the parts of the nbformat 4
 * schema the runner relies on, so a bad file fails with a message that names
 * the file, the cell and the problem instead of a TypeError halfway through.
 */
import { readFileSync } from 'node:fs';
import type { Notebook } from '../jupyter/nbformat.js';
import { KernelError } from '../errors.js';

export class NotebookError extends KernelError {
  readonly code = 'ERR_LOOM_NOTEBOOK';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

const OUTPUT_TYPES = new Set(['stream', 'display_data', 'execute_result', 'error']);

export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new NotebookError(file, code === 'ENOENT' ? 'no such file' : `cannot read it (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new NotebookError(file, `not valid JSON (${(error as Error).message})`);
  }
  return checkNotebook(file, json);
}

export function checkNotebook(file: string, json: unknown): Notebook {
  assertNotebook(file, json);
  return json;
}

/** Throws a NotebookError naming the first problem; past it, the type system knows json is a Notebook. */
function assertNotebook(file: string, json: unknown): asserts json is Notebook {
  const problem = notebookProblem(json);
  if (problem !== undefined) throw new NotebookError(file, problem);
}

function notebookProblem(json: unknown): string | undefined {
  if (!isObject(json)) return 'not a notebook: the top level must be a JSON object';
  if (json.nbformat !== 4) {
    return json.nbformat === undefined
      ? 'not a notebook: no "nbformat" field'
      : `nbformat ${JSON.stringify(json.nbformat)} is not supported, only 4 (open and save it in Jupyter to convert it)`;
  }
  if (!Number.isInteger(json.nbformat_minor)) return '"nbformat_minor" must be an integer';
  if (!isObject(json.metadata)) return '"metadata" must be an object';
  if (!Array.isArray(json.cells)) return '"cells" must be a list';
  for (const [index, cell] of json.cells.entries()) {
    const problem = cellProblem(cell);
    if (problem) return `cell ${index + 1}: ${problem}`;
  }
  return undefined;
}

function cellProblem(cell: unknown): string | undefined {
  if (!isObject(cell)) return 'must be a JSON object';
  if (cell.cell_type !== 'code' && cell.cell_type !== 'markdown' && cell.cell_type !== 'raw') {
    return `unknown cell_type ${JSON.stringify(cell.cell_type)} (expected "code", "markdown" or "raw")`;
  }
  if (!isText(cell.source)) return '"source" must be a string or a list of strings';
  if (!isObject(cell.metadata)) return '"metadata" must be an object';
  if (cell.cell_type !== 'code') return undefined;
  if (!Array.isArray(cell.outputs)) return 'a code cell needs an "outputs" list';
  if (cell.execution_count !== null && !Number.isInteger(cell.execution_count)) return 'a code cell needs an "execution_count" that is an integer or null';
  const bad = cell.outputs.findIndex((output) => !isObject(output) || !OUTPUT_TYPES.has(output.output_type as string));
  if (bad >= 0) return `output ${bad + 1} has no known "output_type" (stream, display_data, execute_result or error)`;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): boolean {
  return typeof value === 'string' || (Array.isArray(value) && value.every((line) => typeof line === 'string'));
}
