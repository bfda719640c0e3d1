/**
 * The seams between folders, checked on the source: the kernel enters the
 * library only through its public entry points and the host door
 * (src/host), the library's internals never reach up into its public modules
 * (nor its worker entries, src/entry, which sit on top), and no folder of
 * either, nor any file of the kernel, is part of a cycle (two exceptions in
 * src/, named below with their reasons).
 * Each rule is also run on a made-up graph that breaks it, so a check that
 * could never fail would show here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cycles, edges, groupGraph, readImportGraph, REPO_ROOT, type ImportGraph } from '../helpers/import-graph.js';

const PUBLIC_MODULES = ['threading', 'queue', 'multiprocessing', 'futures', 'display', 'distributed'];
/** What the kernel may import from src/: the root, each public module's index, the errors, and the door. */
const KERNEL_MAY_IMPORT = new Set([
  'src/index.ts', 'src/errors.ts', 'src/host/index.ts', ...PUBLIC_MODULES.map((name) => `src/${name}/index.ts`),
]);

/** Kernel -> library imports that bypass the entry points. */
function kernelBypasses(graph: ImportGraph): string[] {
  return edges(graph)
    .filter(([from, to]) => from.startsWith('kernel/') && to.startsWith('src/') && !KERNEL_MAY_IMPORT.has(to))
    .map(([from, to]) => `${from} -> ${to}`);
}

/**
 * The one edge up from the internals, on purpose: shipped code may name any
 * export of loom, so the code that binds those names requires loom's root
 * when it first needs it (lazily: the root imports the shipping code).
 */
const REFLECTIVE_EDGES = new Set(['src/internal/ship/scope.ts -> src/index.ts']);
/** The one folder cycle left, on purpose: values can hold functions and functions capture values. */
const KNOWN_CYCLES = new Set(['src/internal/share src/internal/ship']);

const withoutReflection = (graph: ImportGraph): ImportGraph =>
  new Map([...graph].map(([from, targets]) => [from, new Set([...targets].filter((to) => !REFLECTIVE_EDGES.has(`${from} -> ${to}`)))]));

/** Imports from the library's internals (or its errors) up into a public module, the root, the door or the worker entries. */
function upwardImports(graph: ImportGraph): string[] {
  const isLow = (file: string) => file.startsWith('src/internal/') || file === 'src/errors.ts';
  const isHigher = (file: string) => file.startsWith('src/') && !isLow(file);
  return edges(withoutReflection(graph)).filter(([from, to]) => isLow(from) && isHigher(to)).map(([from, to]) => `${from} -> ${to}`);
}

/** A file's folder under kernel/ or src/ ('kernel/protocol'), or the file itself when it sits at the top. */
function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : file;
}

/** src/internal's folders, and its loose files, count one by one: the internals have floors of their own. */
function srcFolderOf(file: string): string {
  const parts = file.split('/');
  if (parts[1] === 'internal') return parts.length > 3 ? parts.slice(0, 3).join('/') : file;
  return folderOf(file);
}

const graphOf = (entries: Record<string, string[]>): ImportGraph =>
  new Map(Object.entries(entries).map(([from, to]) => [from, new Set(to)]));

describe('seams', () => {
  const graph = readImportGraph(['kernel', 'src']);

  it('reads the real graph (the check is not vacuous)', () => {
    assert.ok(graph.size > 150, `only ${graph.size} files found under ${REPO_ROOT}`);
    assert.ok(edges(graph).some(([from, to]) => from.startsWith('kernel/') && to.startsWith('src/')));
  });

  it('the kernel imports the library only through its entry points and src/host', () => {
    assert.deepEqual(kernelBypasses(graph), []);
    const mentions = [...graph.keys()]
      .filter((file) => file.startsWith('kernel/') && readFileSync(join(REPO_ROOT, file), 'utf8').includes('src/internal'));
    assert.deepEqual(mentions, [], 'kernel files that name src/internal');
  });

  it('src/internal never imports a public module', () => {
    assert.deepEqual(upwardImports(graph), []);
  });

  it('no folder cycles in kernel/ or src/', () => {
    const kernel = new Map([...graph].filter(([file]) => file.startsWith('kernel/')));
    assert.deepEqual(cycles(groupGraph(kernel, folderOf)), []);
    const src = new Map([...withoutReflection(graph)].filter(([file]) => file.startsWith('src/')));
    const srcCycles = cycles(groupGraph(src, srcFolderOf)).map((cycle) => cycle.join(' '));
    assert.deepEqual(srcCycles.filter((cycle) => !KNOWN_CYCLES.has(cycle)), []);
  });

  it('no file cycles in kernel/, type-only imports included', () => {
    const kernel = new Map([...graph].filter(([file]) => file.startsWith('kernel/')));
    assert.deepEqual(cycles(kernel), []);
  });

  it('the protocol needs no double casts', () => {
    const casts = [...graph.keys()]
      .filter((file) => file.startsWith('kernel/protocol/') && readFileSync(join(REPO_ROOT, file), 'utf8').includes('as unknown as'));
    assert.deepEqual(casts, []);
  });

  it('each rule catches what it is for', () => {
    const bad = graphOf({
      'kernel/executor/a.ts': ['src/internal/hooks.ts', 'src/host/index.ts', 'src/threading/index.ts'],
      'src/internal/pool/b.ts': ['src/queue/queue.ts', 'src/errors.ts', 'src/internal/ring/ring.ts'],
      'src/queue/queue.ts': ['src/internal/pool/b.ts'],
      'kernel/cli/x.ts': ['kernel/runner/y.ts'],
      'kernel/runner/y.ts': ['kernel/cli/z.ts'],
      'kernel/cli/z.ts': [],
    });
    assert.deepEqual(kernelBypasses(bad), ['kernel/executor/a.ts -> src/internal/hooks.ts']);
    assert.deepEqual(upwardImports(bad), ['src/internal/pool/b.ts -> src/queue/queue.ts']);
    assert.deepEqual(cycles(groupGraph(bad, folderOf)).map((cycle) => cycle.join(' ')).sort(), ['kernel/cli kernel/runner', 'src/internal src/queue'].sort());
    assert.deepEqual(cycles(bad), [['src/internal/pool/b.ts', 'src/queue/queue.ts']]);
  });
});
