/**
 * The text of an executed cell's two virtual files, given which of its names
 * it still owns (see notebook-cells.ts):
 *
 *  - its script (`__loom_cell_N__.ts`): the cell without its import and export
 *    syntax. Scripts share the global scope, so later cells see its
 *    declarations. Top-level `await` in a script is an error TypeScript still
 *    types correctly, and nobody reads the errors of these files. Declarations
 *    of names a later cell owns are renamed to `__loom_...` (hidden from
 *    completions), so there is no 'Cannot redeclare' conflict and the newest
 *    type wins, as it does at run time. `declare global { ... }` is unwrapped:
 *    in a script its contents are global already.
 *  - when the cell imports something, its companion module
 *    (`__loom_cell_N_imports__.ts`): those imports under internal names,
 *    re-exposed to the global scope through `declare global`.
 */
import ts from 'typescript';
import { shadowedName } from './internal-names.js';
import { declarationNames, isGlobalAugmentation, type Cell, type ImportBinding, type ImportMeaning } from './parse-cell.js';

/** Whether the cell still owns a name (the newest declaration of it, or one that merges with it). */
export type IsLive = (name: string) => boolean;

/** The companion module before the checker has said what its imports are: the bare imports. */
export function bareImportsText(cell: Cell): string {
  return cell.importText + 'export {};\n';
}

/** The script, or undefined when it would declare nothing live and matters to no later cell. */
export function scriptText(cell: Cell, isLive: IsLive): string | undefined {
  const imported = new Set(cell.bindings.map((b) => b.local));
  const live = [...cell.names].some((name) => !imported.has(name) && isLive(name));
  return live || cell.keepScript ? asScript(cell, isLive) : undefined;
}

/** The companion module, or undefined when the cell imports nothing, or nothing live and nothing that may augment types. */
export function companionText(cell: Cell, isLive: IsLive): string | undefined {
  if (!cell.importText) return undefined;
  const globals = cell.bindings
    .filter((b) => isLive(b.local))
    .map((b) => globalDeclaration(b, cell.meanings.get(b.alias)));
  const keep = globals.length > 0 || cell.keepImports;
  return keep ? `${cell.importText}declare global {\n${globals.join('\n')}\n}\nexport {};\n` : undefined;
}

/** The global declaration that makes an import visible to later cells, with the meanings its target has. */
function globalDeclaration(binding: ImportBinding, meaning: ImportMeaning | undefined): string {
  const { local, alias } = binding;
  const flags = meaning?.flags ?? ts.SymbolFlags.Value;
  // An import alias carries every meaning (value, type, namespace), but TypeScript only allows it for namespaces.
  if (flags & ts.SymbolFlags.Namespace && !binding.typeOnly) return `  export import ${local} = ${alias};`;
  const lines: string[] = [];
  if (flags & ts.SymbolFlags.Value && !binding.typeOnly) lines.push(`  const ${local}: typeof ${alias};`);
  if (flags & ts.SymbolFlags.Type || binding.typeOnly) {
    const params = Array.from({ length: meaning?.typeParameters ?? 0 }, (_, i) => `T${i}`);
    const declared = params.length ? `<${params.map((p) => `${p} = any`).join(', ')}>` : '';
    const applied = params.length ? `<${params.join(', ')}>` : '';
    lines.push(`  type ${local}${declared} = ${alias}${applied};`);
  }
  return lines.length ? lines.join('\n') : `  const ${local}: typeof ${alias};`;
}

/** The cell as a script: import/export syntax removed, declarations of names it no longer owns renamed away. */
function asScript(cell: Cell, isLive: IsLive): string {
  const { source } = cell;
  const text = source.text;
  const edits: { start: number; end: number; text: string }[] = [];
  for (const statement of source.statements) {
    const removeWhole =
      ts.isImportDeclaration(statement) ||
      ts.isExportDeclaration(statement) ||
      ts.isExportAssignment(statement) ||
      (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference));
    if (removeWhole) {
      edits.push({ start: statement.getStart(source), end: statement.end, text: '' });
      continue;
    }
    if (ts.isModuleDeclaration(statement) && isGlobalAugmentation(statement)) {
      edits.push({ start: statement.getStart(source), end: statement.end, text: unwrappedGlobals(statement, source) });
      continue;
    }
    for (const modifier of ts.canHaveModifiers(statement) ? ts.getModifiers(statement) ?? [] : []) {
      if (modifier.kind === ts.SyntaxKind.ExportKeyword || modifier.kind === ts.SyntaxKind.DefaultKeyword) {
        edits.push({ start: modifier.getStart(source), end: modifier.end, text: '' });
      }
    }
    for (const name of declarationNames(statement)) {
      if (isLive(name.text)) continue;
      const shorthand = ts.isBindingElement(name.parent) && !name.parent.propertyName && ts.isObjectBindingPattern(name.parent.parent);
      const renamed = shorthand ? `${name.text}: ${shadowedName(cell.index, name.text)}` : shadowedName(cell.index, name.text);
      edits.push({ start: name.getStart(source), end: name.end, text: renamed });
    }
  }
  edits.sort((a, b) => b.start - a.start);
  let result = text;
  for (const edit of edits) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

/** The contents of `declare global { ... }`, each made ambient, as a script declares globals. */
function unwrappedGlobals(statement: ts.ModuleDeclaration, source: ts.SourceFile): string {
  const body = statement.body;
  if (!body || !ts.isModuleBlock(body)) return '';
  return body.statements.map((inner) => {
    const text = inner.getText(source).replace(/^export\s+/, '');
    const ambient = ts.canHaveModifiers(inner) && ts.getModifiers(inner)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
    return ambient ? text : `declare ${text}`;
  }).join('\n');
}
