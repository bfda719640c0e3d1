/**
 * @types/node in as few files as it can be, for the same reason as the
 * standard library (lib-bundle.ts): each check makes a program and a type
 * checker that pay for every file. Its script files (58 of 63 in @types/node
 * 20) share the global scope and are joined into one text; its module files
 * (a top-level import or export, with `declare global` inside) stay files of
 * their own, in place, so that their imports resolve as before.
 */
import ts from 'typescript';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface NodeTypes {
  /**
   * The name the script files go by, next to the index.d.ts they came from: the
   * same for every notebook, so that a parse of them can be shared (snapshot-entry.ts).
   */
  file: string;
  /** The script files, each after the files it references. */
  scripts: string;
  /** The module files, by path. */
  modules: string[];
}

const REFERENCE_PATH = /^\/\/\/\s*<reference\s+path="([^"]+)"\s*\/>\s*$/gm;
/** `/// <reference lib>` and `types` lines of a script: the lib bundle and the root list already have what they name. */
const OTHER_REFERENCE = /^\/\/\/\s*<reference\s+(lib|types|no-default-lib)=.*$/gm;

const cache = new Map<string, NodeTypes | undefined>();

/** @types/node from the first of `typeRoots` that has it, or undefined when none does. */
export function nodeTypes(typeRoots: readonly string[]): NodeTypes | undefined {
  const index = typeRoots.map((root) => join(root, 'node', 'index.d.ts')).find((file) => existsSync(file));
  if (index === undefined) return undefined;
  if (!cache.has(index)) cache.set(index, gather(index));
  return cache.get(index);
}

function gather(index: string): NodeTypes {
  const scripts: string[] = [];
  const modules: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, path] of text.matchAll(REFERENCE_PATH)) visit(join(dirname(file), path));
    if (isModule(text)) modules.push(file);
    else scripts.push(text.replace(REFERENCE_PATH, '').replace(OTHER_REFERENCE, ''));
  };
  visit(index);
  return { file: join(dirname(index), '__loom_node_types__.d.ts'), scripts: scripts.join('\n'), modules };
}

/** Whether a declaration file is a module: an `import` or `export` outside every brace (not `import("x")` in a type). */
function isModule(text: string): boolean {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  // What each open brace is: a block's, or a template literal's `${` (its `}` goes on with the template).
  const open: ('brace' | 'template')[] = [];
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.OpenBraceToken) open.push('brace');
    else if (token === ts.SyntaxKind.TemplateHead) open.push('template');
    else if (token === ts.SyntaxKind.CloseBraceToken) {
      if (open.pop() === 'template' && scanner.reScanTemplateToken(false) === ts.SyntaxKind.TemplateMiddle) open.push('template');
    } else if (open.length === 0 && token === ts.SyntaxKind.ExportKeyword) return true;
    else if (open.length === 0 && token === ts.SyntaxKind.ImportKeyword) {
      const next = scanner.scan();
      if (next !== ts.SyntaxKind.OpenParenToken && next !== ts.SyntaxKind.DotToken) return true;
    }
  }
  return false;
}
