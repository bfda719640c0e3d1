/**
 * `import ... from 'loom/threading'` works in every notebook, wherever it
 * lives, without installing loom next to it: the executor loads loom's own
 * specifiers from its package's files, as the package.json "exports" map says.
 * (The checker thread maps them to declarations: checker/loom-types.ts.)
 */
import { pathToFileURL } from 'node:url';
import { loomExports } from '../install/package-exports.js';

/** The file a loom specifier loads at run time, or undefined for any other specifier. */
export function loomModuleFile(specifier: string): string | undefined {
  return loomExports().get(specifier)?.default;
}

/** The same as a file: URL, for import(). */
export function loomModuleUrl(specifier: string): string | undefined {
  const file = loomModuleFile(specifier);
  return file === undefined ? undefined : pathToFileURL(file).href;
}
