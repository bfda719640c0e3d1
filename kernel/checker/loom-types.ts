/**
 * The language service sees loom's declarations under loom's own specifiers,
 * wherever the notebook lives, as the package.json "exports" map says (the
 * executor loads the files behind them: transpile/loom-modules.ts).
 */
import { loomExports } from '../install/package-exports.js';

/** TypeScript `paths` so the language service sees loom's declarations under its own names. */
export function loomTypePaths(): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const [name, target] of loomExports()) if (target.types) paths[name] = [target.types];
  return paths;
}
