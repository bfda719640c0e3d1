/**
 * `loom run`: installs the kernelspec, runs each notebook in a fresh kernel,
 * writes the executed notebook and its HTML page to the output folder, then
 * the index page, and reports every failure with its notebook, cell and error.
 * Returns the exit code: 0 all ran cleanly, 1 something failed, 130 interrupted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { notebookPage } from '../export/notebook-page.js';
import { installKernelspec } from '../install/kernelspec.js';
import { loadAnswers, type Answerer } from './answers.js';
import { neighbours } from './neighbours.js';
import { executeNotebook } from './execute-notebook.js';
import { FindError, findNotebooks, notebookName } from './find-notebooks.js';
import { cellLine, failureReport, seconds } from './progress.js';
import { NotebookError, readNotebook } from './read-notebook.js';
import { writeIndex } from './write-index.js';
import { writeNotebook } from './write-notebook.js';

export interface RunOptions {
  /** Notebooks and folders of notebooks. */
  paths: string[];
  outDir: string;
  answersFile?: string;
  defaultAnswer: string;
  timeoutMs: number;
  /** Install the kernelspec for the current user first. */
  install: boolean;
}

export async function runNotebooks(options: RunOptions): Promise<number> {
  const files = findNotebooks(options.paths);
  if (files.length === 0) throw new FindError(`no notebooks (.ipynb files) found in ${options.paths.join(', ')}`);
  const answer = loadAnswers(options.answersFile, options.defaultAnswer);
  if (options.install) console.log(`Installed kernelspec loom in ${installKernelspec({ location: { kind: 'user' } })}`);
  mkdirSync(options.outDir, { recursive: true });

  // Ctrl-C stops the run after closing the running kernel; a second one kills at once.
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const failures: string[] = [];
  try {
    for (const file of files) {
      if (controller.signal.aborted) break;
      const failure = await runOne(file, options, answer, controller.signal);
      if (failure) failures.push(failure);
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  console.log(`Wrote ${writeIndex(options.outDir)}`);

  if (controller.signal.aborted) {
    console.error('loom run: interrupted');
    return 130;
  }
  if (failures.length > 0) {
    const plain = (text: string) => (process.stderr.isTTY ? text : stripVTControlCharacters(text));
    console.error(`loom run: ${failures.length} of ${files.length} notebook${files.length === 1 ? '' : 's'} failed:`);
    for (const failure of failures) console.error(plain(failure));
    return 1;
  }
  console.log(files.length === 1 ? 'The notebook ran cleanly.' : `All ${files.length} notebooks ran cleanly.`);
  return 0;
}

/** Runs one notebook and writes its outputs; returns a failure report, if it failed. */
async function runOne(file: string, options: RunOptions, answer: Answerer, signal: AbortSignal): Promise<string | undefined> {
  const name = notebookName(file);
  let notebook;
  try {
    notebook = readNotebook(file);
  } catch (error) {
    if (!(error instanceof NotebookError)) throw error;
    console.log(`[${name}] cannot be read`);
    return error.message;
  }
  const codeCells = notebook.cells.filter((cell) => cell.cell_type === 'code').length;
  console.log(`[${name}] ${file}: ${codeCells} code cell${codeCells === 1 ? '' : 's'}`);
  let run;
  try {
    run = await executeNotebook(notebook, {
      cwd: dirname(resolve(file)),
      answer,
      timeoutMs: options.timeoutMs,
      signal,
      onProgress: (progress) => console.log(cellLine(name, progress)),
    });
  } catch (error) {
    console.log(`[${name}] failed`);
    return `${file}: the kernel failed: ${(error as Error).message}`;
  }
  writeNotebook(join(options.outDir, `${name}.ipynb`), run.notebook);
  const page = join(options.outDir, `${name}.html`);
  writeFileSync(page, await notebookPage(run.notebook, { name, ...neighbours(file) }));
  console.log(`[${name}] ${run.failure ? 'failed' : 'ok'} in ${seconds(run.seconds)}: ${page}`);
  return run.failure ? failureReport(file, run.failure) : undefined;
}
