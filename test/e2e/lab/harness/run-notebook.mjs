// The generic notebook test: open a notebook from the file browser, run it
// cell by cell with Shift+Enter as a person would, wait for each code cell to
// finish and the kernel to go idle, and check each cell against its
// expectations (cell-expectations.mjs). A failure names the notebook, the cell
// and what was missing, and leaves a screenshot in artifacts/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellExpectations, unmetExpectations } from './cell-expectations.mjs';
import { KERNEL_TIMEOUT_MS } from './notebook.mjs';

const CELL_TIMEOUT_MS = 2 * KERNEL_TIMEOUT_MS;

const sourceOf = (cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source ?? '');

function describe(path, cell, index, count) {
  const firstLine = sourceOf(cell).split('\n').find((line) => line.trim() !== '') ?? '';
  const shortLine = firstLine.length > 60 ? `${firstLine.slice(0, 57)}...` : firstLine;
  return `${path}, cell ${index + 1} of ${count} (${cell.cell_type}: ${JSON.stringify(shortLine)})`;
}

/** Counts the SVG drawings in a cell's outputs that the browser actually rendered. */
function renderedSvgCount(cellLocator) {
  return cellLocator.locator('.jp-OutputArea').evaluate((area) => {
    const images = [...area.querySelectorAll('.jp-RenderedSVG img, img[src^="data:image/svg+xml"]')].filter((img) => img.complete && img.naturalWidth > 0);
    const inline = [...area.querySelectorAll('svg')].filter((svg) => svg.getBoundingClientRect().width > 0 && !svg.closest('.jp-OutputArea-prompt'));
    return new Set([...images, ...inline]).size;
  });
}

/**
 * Runs `path` (relative to the server's root) in `lab`; resolves with the
 * open Notebook, or rejects naming the first cell that failed.
 * `log` gets one line per cell.
 */
export async function runNotebookStepByStep(lab, path, { log = () => {} } = {}) {
  const cells = JSON.parse(readFileSync(join(lab.server.root, path), 'utf8')).cells;
  // Bad metadata fails before the browser does anything.
  const plans = cells.map((cell, index) => {
    const where = describe(path, cell, index, cells.length);
    return { cell, where, expectations: cell.cell_type === 'code' ? cellExpectations(cell, where) : undefined };
  });
  for (const { where, expectations } of plans) {
    if (expectations?.unknownKeys.length) log(`note: ${where}: metadata loom has keys this test does not know: ${expectations.unknownKeys.join(', ')}`);
  }

  const notebook = await lab.openFromFileBrowser(path);
  let current = `${path} (opening)`;
  try {
    const shown = await notebook.cellCount();
    if (shown !== cells.length) throw new Error(`the page shows ${shown} cells, the file has ${cells.length}`);
    await notebook.select(0);
    for (const [index, { cell, where, expectations }] of plans.entries()) {
      current = where;
      const active = await notebook.activeCellIndex();
      if (active !== index) throw new Error(`cell ${active + 1} is selected instead`);
      if (expectations?.skip) {
        log(`${where}: skipped (skip-execution)`);
        if (index + 1 < cells.length) await notebook.select(index + 1);
        continue;
      }
      if (cell.cell_type !== 'code' || sourceOf(cell).trim() === '') {
        await lab.page.keyboard.press('Shift+Enter'); // renders a markdown cell and moves on
        continue;
      }
      const started = performance.now();
      await notebook.runSelected({ answer: expectations.answer, timeoutMs: CELL_TIMEOUT_MS });
      const problems = unmetExpectations(expectations, {
        text: await notebook.outputText(index),
        outputs: await notebook.outputs(index),
        svgCount: expectations.svg ? await renderedSvgCount(notebook.cell(index)) : 0,
      });
      if (problems.length > 0) throw new Error(problems.join('; '));
      // Typing the answer selected this cell again; a person clicks the next one.
      if (expectations.answer !== undefined && index + 1 < cells.length) await notebook.select(index + 1);
      log(`${where}: ok in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  } catch (error) {
    const screenshot = await lab.screenshot(`FAILED ${current.split(' (')[0]}`).catch((e) => `(no screenshot: ${e.message})`);
    throw new Error(`${current}: ${error.message}\n  screenshot: ${screenshot}`, { cause: error });
  }
  await lab.screenshot(path, { whole: true });
  return notebook;
}
