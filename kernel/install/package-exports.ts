/**
 * Loom's own specifiers ('loom', 'loom/threading', ...) and the files this
 * install's package.json "exports" map gives them. Both of the kernel's
 * TypeScript processes need the map: the executor loads the runtime files
 * (transpile/loom-modules.ts), the checker thread reads the declarations
 * (checker/loom-types.ts), so that a notebook imports loom wherever it lives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

export interface ExportTarget {
  /** The declaration file, as an absolute path. */
  types?: string;
  /** The file that runs, as an absolute path. */
  default: string;
}

let cached: Map<string, ExportTarget> | undefined;

/** 'loom' and 'loom/<sub>' -> their export targets, from package.json. */
export function loomExports(): ReadonlyMap<string, ExportTarget> {
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
