/**
 * Which notebooks to run: files named on the command line, and the .ipynb
 * files directly inside folders named there, in chapter order (13.2 before
 * 13.10). Jupyter's .ipynb_checkpoints copies are never run.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { KernelError } from '../errors.js';

export class FindError extends KernelError { readonly code = 'ERR_LOOM_FIND_NOTEBOOKS'; }

const chapterOrder = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

export function findNotebooks(paths: string[]): string[] {
  const found = paths.flatMap((path) => {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      throw new FindError(`${path}: no such file or folder`);
    }
    if (stats.isDirectory()) {
      return readdirSync(path)
        .filter((name) => name.endsWith('.ipynb') && !name.startsWith('.'))
        .sort(chapterOrder)
        .map((name) => join(path, name));
    }
    if (!path.endsWith('.ipynb')) throw new FindError(`${path}: not a notebook (expected a .ipynb file or a folder)`);
    return [path];
  });
  const unique = [...new Set(found)];
  const byName = new Map<string, string>();
  for (const file of unique) {
    const other = byName.get(notebookName(file));
    // Outputs are named after the notebook, so two of one name would overwrite each other.
    if (other) throw new FindError(`${other} and ${file} have the same name; their outputs would overwrite each other, run them separately`);
    byName.set(notebookName(file), file);
  }
  return unique;
}

/** `notebooks/13.4-pools.ipynb` -> `13.4-pools`: the progress label and the output files' name. */
export function notebookName(file: string): string {
  return basename(file, '.ipynb');
}
