/**
 * Where the source of code being shipped came from (SourceOrigin), asked once
 * per piece when it is shipped: code revived in this thread keeps its first
 * origin; else the host knows (the kernel: a cell); else, in a plain script,
 * the source is searched in the user's files on the stack and the main
 * script, read once, and mapped through the file's source map when Node
 * loaded it with one (--enable-source-maps).
 */
import { readFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { shipHooks, type SourceOrigin } from '../host/shipping.js';
import { isLoomFile } from '../loom-files.js';
import { findRevived, positionAt } from './revived.js';

/** Sources located lately, and files read: a script ships the same functions again and again. */
const KEPT = 1000;
const bySource = new Map<string, SourceOrigin | null>();
const files = new Map<string, string | null>();

export function originOf(source: string): SourceOrigin | undefined {
  return findRevived(source) ?? shipHooks.locateSource(source) ?? inScripts(source);
}

function inScripts(source: string): SourceOrigin | undefined {
  const known = bySource.get(source);
  if (known !== undefined) return known ?? undefined;
  let found: SourceOrigin | undefined;
  for (const file of scriptFiles()) {
    found = inFile(file, source);
    if (found) break;
  }
  if (bySource.size >= KEPT) bySource.delete(bySource.keys().next().value!);
  bySource.set(source, found ?? null);
  return found;
}

/** The user's files on the stack (who is shipping), then the main script. */
function scriptFiles(): string[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const found = new Set<string>();
  for (const match of stack.matchAll(/^\s+at (?:.*?\()?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?$/gm)) {
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    if (!isLoomFile(file)) found.add(file);
  }
  const main = require.main?.filename;
  if (main !== undefined && !isLoomFile(main)) found.add(main);
  return [...found];
}

function textOf(file: string): string | null {
  if (!files.has(file)) {
    let text: string | null = null;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // A file that is gone or unreadable just says nothing.
    }
    if (files.size >= KEPT) files.delete(files.keys().next().value!);
    files.set(file, text);
  }
  return files.get(file)!;
}

function inFile(file: string, source: string): SourceOrigin | undefined {
  const text = textOf(file);
  const index = text?.indexOf(source) ?? -1;
  if (index === -1) return undefined;
  const at = positionAt(text!, index);
  return mapped(file, at, source) ?? { file, line: at.line + 1, column: at.column + 1 };
}

/** Through the file's source map, when Node has one: each line of the source to its original line. */
function mapped(file: string, at: { line: number; column: number }, source: string): SourceOrigin | undefined {
  const map = findSourceMap(file);
  if (map === undefined) return undefined;
  const lines: (number | undefined)[] = [];
  let original: string | undefined;
  source.split('\n').forEach((text, k) => {
    const column = k === 0 ? at.column : Math.max(0, text.search(/\S/));
    const entry = map.findEntry(at.line + k, column) as { originalSource?: string; originalLine?: number };
    original ??= entry.originalSource;
    lines.push(entry.originalLine === undefined ? undefined : entry.originalLine + 1);
  });
  if (original === undefined) return undefined;
  const originalFile = original.startsWith('file://') ? fileURLToPath(original) : original;
  return { file: originalFile, line: lines[0] ?? at.line + 1, column: at.column + 1, lines };
}
