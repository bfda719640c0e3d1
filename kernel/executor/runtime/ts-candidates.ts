/**
 * What a path in a TypeScript import may stand for, as the type checker
 * (moduleResolution "bundler") reads it: `./util` is ./util.ts, ./util.tsx,
 * ... ./util/index.ts; `./util.js` is ./util.ts. Shared by the module hooks of
 * import() (ts-hooks.ts, in Node's loader thread), the require() fallback
 * (ts-require.ts) and import() inside workers (worker-import.ts), so the three
 * agree. Loads nothing: the compiler is not needed to list file names.
 */
import { extname } from 'node:path';
import { TYPESCRIPT_FILE } from '../../transpile/file.js';

/** A relative or absolute path, or a file: URL; not a package name. */
export const PATH_LIKE = /^(\.\.?(\/|$)|\/|file:)/;

/** What a JavaScript extension in a TypeScript import may stand for. */
const SWAPPED: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
const APPENDED = ['.ts', '.tsx', '.mts', '.cts', '.js', '/index.ts', '/index.tsx', '/index.js'];

/** `./a.js` -> ./a.ts, ./a.tsx; `./a` -> ./a.ts ... ./a/index.js. A query or hash is kept. */
export function candidates(specifier: string): string[] {
  const [, path = specifier, suffix = ''] = /^([^?#]*)(.*)$/.exec(specifier) ?? [];
  const extension = extname(path);
  const swapped = SWAPPED[extension];
  if (swapped) return swapped.map((ext) => path.slice(0, -extension.length) + ext + suffix);
  if (TYPESCRIPT_FILE.test(path) || extension === '.json' || extension === '.node') return [];
  return APPENDED.map((ext) => path.replace(/\/$/, '') + ext + suffix);
}
