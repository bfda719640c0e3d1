/**
 * `import ... from 'loom/threading'` works in every notebook, wherever it
 * lives, without installing loom next to it: the kernel maps loom's own
 * specifiers to its package's files (runtime) and declarations (types), as
 * the package.json "exports" map says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../install/package-root.js';

interface ExportTarget {
  types?: string;
  default: string;
}

let cached: Map<string, ExportTarget> | undefined;

/** 'loom' and 'loom/<sub>' -> their export targets, from package.json. */
function loomExports(): Map<string, ExportTarget> {
  if (cached) return cached;
  const root = packageRoot();
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports?: Record<string, ExportTarget | string> };
  cached = new Map();
  for (const [key, target] of Object.entries(manifest.exports ?? {})) {
    if (typeof target === 'string' || key.endsWith('.json')) continue;
    const name = key === '.' ? 'loom' : `loom/${key.replace(/^\.\//, '')}`;
    cached.set(name, { types: target.types && join(root, target.types), default: join(root, target.default) });
  }
  return cached;
}

/** The file a loom specifier loads at run time, or undefined for any other specifier. */
export function loomModuleFile(specifier: string): string | undefined {
  return loomExports().get(specifier)?.default;
}

/** The same as a file: URL, for import(). */
export function loomModuleUrl(specifier: string): string | undefined {
  const file = loomModuleFile(specifier);
  return file === undefined ? undefined : pathToFileURL(file).href;
}

/** TypeScript `paths` so the language service sees loom's declarations under its own names. */
export function loomTypePaths(): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const [name, target] of loomExports()) if (target.types) paths[name] = [target.types];
  return paths;
}
