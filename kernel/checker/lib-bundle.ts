/**
 * TypeScript's standard library as one declaration file.
 *
 * `lib: ['es2023', 'esnext.disposable']` is some 60 files. Every check makes a
 * new program and a new type checker, and both pay per file: the program
 * walks its files to reuse them, and the checker merges each file's globals
 * into one table, cloning every interface that several files extend (Array,
 * Promise, String... each in up to seven files). In one file the binder has
 * merged those once, and that work is kept with the parse: a check on a
 * bundled library took about a third less time here.
 *
 * The language service is then run with `noLib`, which also makes it ignore
 * `/// <reference lib>` in @types/node (the bundle already has everything
 * Node's types ask for) and in cells: the libraries cells name that way (say
 * `dom`) are bundled too, as `extra`.
 */
import ts from 'typescript';
import { dirname, join } from 'node:path';

/** The libraries cells are checked against (what `lib` would name). */
export const LIBS = ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'];

/** What a lib's name looks like (`dom`, `es2015.core`): anything else names no lib file. */
const LIB_NAME = /^[a-z0-9.]+$/;

const REFERENCE_LIB = /^\/\/\/\s*<reference\s+lib="([^"]+)"\s*\/>\s*$/gm;

const bundles = new Map<string, string>();

/** Names the set of libraries LIBS plus `extra` (as `/// <reference lib>` names them): the bundle's version. */
export function libBundleKey(extra: Iterable<string>): string {
  const names = new Set([...extra].map((name) => name.toLowerCase()).filter((name) => libFile(name) !== undefined));
  return ['lib', ...[...names].sort()].join(' ');
}

/** Where TypeScript's lib files are. */
const LIB_DIR = dirname(ts.getDefaultLibFilePath({}));

/** The lib file a `/// <reference lib>` name means (`dom` -> lib.dom.d.ts in LIB_DIR), or undefined for a name no lib has that shape. */
function libFile(name: string): string | undefined {
  const lower = name.toLowerCase();
  return LIB_NAME.test(lower) ? join(LIB_DIR, `lib.${lower}.d.ts`) : undefined;
}

/** The text of every lib file LIBS and `extra` need, each after the files it references; unknown names are left out. */
export function libBundleText(extra: Iterable<string> = []): string {
  const key = libBundleKey(extra);
  let text = bundles.get(key);
  if (text === undefined) {
    text = bundle(key.split(' ').slice(1));
    bundles.clear();
    bundles.set(key, text);
  }
  return text;
}

/**
 * The `/// <reference lib="..." />` directives of `code` that name no library,
 * with their position: TypeScript reports those (TS2726), and with `noLib` it
 * no longer does, so check.ts reports them instead.
 */
export function unknownLibReferences(code: string): { name: string; pos: number }[] {
  if (!code.includes('<reference')) return [];
  return ts.preProcessFile(code).libReferenceDirectives
    .filter((lib) => {
      const file = libFile(lib.fileName);
      return file === undefined || !ts.sys.fileExists(file);
    })
    .map((lib) => ({ name: lib.fileName, pos: lib.pos }));
}

function bundle(extra: readonly string[]): string {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string | undefined): void => {
    if (file === undefined || seen.has(file)) return;
    seen.add(file);
    const text = ts.sys.readFile(file);
    if (text === undefined) return;
    for (const [, lib] of text.matchAll(REFERENCE_LIB)) visit(libFile(lib!));
    order.push(text.replace(REFERENCE_LIB, ''));
  };
  for (const file of [...LIBS.map((name) => join(LIB_DIR, name)), ...extra.map(libFile)]) visit(file);
  return order.join('\n');
}
