/**
 * Writes out/index.html from the executed notebooks found in out/, so running
 * a single notebook updates its entry without dropping the others.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexPage, type IndexEntry } from '../export/index-page.js';
import { notebookStatus } from '../export/notebook-status.js';
import { notebookTitle } from '../export/notebook-title.js';
import { notebookName } from './find-notebooks.js';
import { readNotebook } from './read-notebook.js';

export function writeIndex(outDir: string): string {
  const entries: IndexEntry[] = readdirSync(outDir)
    .filter((file) => file.endsWith('.ipynb') && existsSync(join(outDir, `${notebookName(file)}.html`)))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .flatMap((file) => {
      const name = notebookName(file);
      try {
        const notebook = readNotebook(join(outDir, file));
        return [{ name, title: notebookTitle(notebook, name), status: notebookStatus(notebook) }];
      } catch {
        return []; // not one of ours (or damaged): it has no place in the index
      }
    });
  const file = join(outDir, 'index.html');
  writeFileSync(file, indexPage(entries));
  return file;
}
