/**
 * Who imports whom among the project's own TypeScript files, read with
 * TypeScript's pre-processor (static imports and exports, `import type`,
 * dynamic `import()` and `require()` with a literal path), so the seams tests
 * see every edge a reader of the code would follow, type-only ones included.
 */
import ts from 'typescript';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Repository-relative paths with '/' (e.g. 'kernel/cli/main.ts'), each to the files it imports. */
export type ImportGraph = Map<string, Set<string>>;

/** The repository root, from this file's place in dist/test/helpers/. */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const toPosix = (path: string): string => path.split(sep).join('/');

/** A relative specifier ('../x.js') as the .ts file it names, or undefined for packages and non-sources. */
function resolveSpecifier(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = join(dirname(fromFile), specifier);
  for (const candidate of [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')]) {
    if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  }
  return undefined;
}

/** The import graph of every .ts file under the given repository folders. */
export function readImportGraph(folders: string[], root = REPO_ROOT): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of folders.flatMap((folder) => tsFiles(join(root, folder)))) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set<string>();
    for (const { fileName } of info.importedFiles) {
      const target = resolveSpecifier(file, fileName);
      if (target) targets.add(toPosix(relative(root, target)));
    }
    graph.set(toPosix(relative(root, file)), targets);
  }
  return graph;
}

/** Every import edge as [from, to]. */
export function edges(graph: ImportGraph): [string, string][] {
  return [...graph].flatMap(([from, targets]) => [...targets].map((to): [string, string] => [from, to]));
}

/** The graph with each file replaced by its group (e.g. its folder); edges inside a group are dropped. */
export function groupGraph(graph: ImportGraph, groupOf: (file: string) => string | undefined): ImportGraph {
  const grouped: ImportGraph = new Map();
  for (const [from, to] of edges(graph)) {
    const a = groupOf(from);
    const b = groupOf(to);
    if (a === undefined || b === undefined || a === b) continue;
    if (!grouped.has(a)) grouped.set(a, new Set());
    grouped.get(a)!.add(b);
  }
  return grouped;
}

/** The cycles of a graph: its strongly connected components of more than one node (Tarjan). */
export function cycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}
