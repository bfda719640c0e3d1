/**
 * How the executed cells of a notebook look to the TypeScript language service.
 *
 * At run time every cell's top-level declarations land in one shared scope,
 * and a later cell may re-declare a name (`const x` twice, an import of `fs`
 * again). TypeScript has no such scope, so each executed cell becomes:
 *
 *  - a script file (`__loom_cell_N__.ts`): the cell without its import and
 *    export syntax. Scripts share the global scope, so later cells see its
 *    declarations. Top-level `await` in a script is an error TypeScript still
 *    types correctly, and nobody reads the errors of these files.
 *  - when the cell imports something, a companion module
 *    (`__loom_cell_N_imports__.ts`) holding those imports under internal
 *    names, re-exposed to the global scope through `declare global`.
 *
 * Re-declaration: only the newest cell that declares a name keeps it; older
 * declarations of the name are renamed to `__loom_...` (hidden from
 * completions), so there is no 'Cannot redeclare' conflict and the newest
 * type wins, as it does at run time. A cell left with no live declarations is
 * dropped from the program entirely, which keeps long notebooks cheap.
 *
 * Except for declarations that merge: an interface that adds members to an
 * interface (or class) of an earlier cell, and a namespace that adds exports
 * to an earlier namespace (which at run time extends the same object), keep
 * the earlier declaration live and merge with it, as in one file. When they
 * name a member the earlier one has, they are taken for a new version of it
 * (the cell was run again, edited) and replace it instead.
 *
 * `declare global { ... }` in a cell is unwrapped: in a script its contents
 * are global already.
 *
 * The scripts of every full run of CHUNK cells are shown to the language
 * service as one file (see files()): each check makes a new program and type
 * checker, which pay for every file, and 200 one-line cells cost a check as
 * much again as the whole standard library did.
 *
 * The cell being edited is a separate `.mts` file (always a module), so its
 * own declarations shadow everything here (see notebook-service.ts).
 */
import ts from 'typescript';
import { join } from 'node:path';

/** Names starting with this are ours; completion hides them. */
export const INTERNAL_PREFIX = '__loom_';

/** How many cells' scripts make one file once they are all there (see files()). */
const CHUNK = 32;

/** The script file of one cell, or of a chunk of cells: inspection shows declarations found in these. */
export const CELL_SCRIPT = /__loom_cells?_\d+__\.ts$/;

/** Text from the compiler with our internal names turned back into the names the user wrote. */
export function userNames(text: string): string {
  return text
    .replace(/^import (\S+) = __loom_i\d+_\d+_\1$/gm, '')
    .replace(/__loom_(?:i\d+_\d+|shadowed\d+)_/g, '')
    .trim();
}

export interface VirtualFile {
  readonly text: string;
  /** Grows whenever the text changes, across resets too, so the language service never reuses a stale parse. */
  readonly version: number;
}

/** What an imported name means: TypeScript's SymbolFlags of its target plus its type parameter count. */
export interface ImportMeaning {
  flags: ts.SymbolFlags;
  typeParameters: number;
}

/** Asks the type checker what each internal import alias in `fileName` refers to. */
export type MeaningResolver = (fileName: string, aliases: readonly string[]) => Map<string, ImportMeaning>;

interface ImportBinding {
  /** The name the cell declares. */
  local: string;
  /** The internal name it is imported under in the companion module. */
  alias: string;
  /** `import type` or `{ type X }`: never a value. */
  typeOnly: boolean;
}

/** How a cell declares a name, to tell whether a later declaration merges with it. */
interface Shape {
  /** 'other' for anything else, or for a mix (a class and an interface of one name in one cell). */
  kind: 'interface' | 'class' | 'namespace' | 'other';
  /** Member names (interface, class) or exported names (namespace). */
  members: Set<string>;
}

interface Cell {
  readonly index: number;
  readonly source: ts.SourceFile;
  /** Every top-level name the cell declares, imports included. */
  readonly names: ReadonlySet<string>;
  readonly shapes: ReadonlyMap<string, Shape>;
  /** The imports, re-written to bind internal aliases; empty when the cell imports nothing. */
  readonly importText: string;
  readonly bindings: readonly ImportBinding[];
  meanings: Map<string, ImportMeaning>;
  /** `declare module 'x' {}`: matters to later cells without declaring a name. */
  readonly keepScript: boolean;
  /** `import 'm'`: may augment types without binding a name. */
  readonly keepImports: boolean;
  /** False when the script only works as a file's start (`/// <reference>` directives, `#!`): it keeps a file of its own. */
  readonly chunkable: boolean;
}

export class NotebookCells {
  /** By index; undefined once a cell can never matter again (see retire), so a long notebook does not keep every parse. */
  private cells: (Cell | undefined)[] = [];
  /** name -> indexes of the cells whose declarations of it are live: the newest, and those it merges with. */
  private owners = new Map<string, number[]>();
  /** One file per cell script and per companion module. */
  private readonly fileMap = new Map<string, VirtualFile>();
  /** What the language service sees (files()), made again after a change. */
  private view: Map<string, VirtualFile> | undefined;
  /** Chunk files by name, with the versions of the scripts they were made of. */
  private readonly chunks = new Map<string, { made: string; file: VirtualFile }>();
  private nextVersion = 1;
  /** Libraries cells named with `/// <reference lib>` (their cells are never retired). */
  private readonly libs = new Set<string>();

  constructor(private readonly dir: string) {}

  referencedLibs(): ReadonlySet<string> {
    return this.libs;
  }

  /**
   * The virtual files, in cell order. The scripts of the cells of each full
   * chunk (cells 0-31, 32-63, ...) are joined into one file; scripts of later
   * cells, and every companion module, are files of their own. Scripts share
   * the global scope whichever file they are in; `;` between them keeps one
   * cell's last line from running into the next.
   */
  files(): ReadonlyMap<string, VirtualFile> {
    this.view ??= this.makeView();
    return this.view;
  }

  reset(): void {
    this.cells = [];
    this.owners.clear();
    this.fileMap.clear();
    this.chunks.clear();
    this.libs.clear();
    this.view = undefined;
  }

  /**
   * Adds cells that executed successfully, oldest first. Batched so that a
   * restarted worker replaying a whole notebook asks the checker only once.
   */
  add(codes: readonly string[], resolveMeanings: MeaningResolver): void {
    const added: Cell[] = [];
    const dirty = new Set<number>();
    for (const code of codes) {
      const cell = parseCell(this.cells.length, code);
      this.cells.push(cell);
      for (const lib of cell.source.libReferenceDirectives) this.libs.add(lib.fileName);
      added.push(cell);
      for (const name of cell.names) {
        const previous = this.owners.get(name) ?? [];
        const kept = previous.filter((index) => merges(this.cells[index]!.shapes.get(name), cell.shapes.get(name)));
        for (const index of previous) if (!kept.includes(index)) dirty.add(index);
        this.owners.set(name, [...kept, cell.index]);
      }
      dirty.add(cell.index);
      // The bare imports first, so that the checker can tell us what they are.
      if (cell.importText) this.write(this.importsFile(cell.index), cell.importText + 'export {};\n');
    }
    for (const cell of added) {
      if (cell.bindings.length === 0) continue;
      cell.meanings = resolveMeanings(this.importsFile(cell.index), cell.bindings.map((b) => b.alias));
    }
    for (const index of dirty) this.render(this.cells[index]!);
    for (const index of dirty) this.retire(this.cells[index]!);
  }

  /**
   * Forgets a cell that owns no live name and keeps no file: no later cell
   * can make it live again (ownership only passes to newer cells), so its
   * syntax tree would only take memory. A notebook that runs the same cells
   * over and over would otherwise keep one tree per run.
   */
  private retire(cell: Cell): void {
    if (cell.keepScript || cell.keepImports) return;
    if ([...cell.names].some((name) => this.isLive(cell, name))) return;
    this.cells[cell.index] = undefined;
  }

  private scriptFile(index: number): string {
    return join(this.dir, `${INTERNAL_PREFIX}cell_${index}__.ts`);
  }

  private importsFile(index: number): string {
    return join(this.dir, `${INTERNAL_PREFIX}cell_${index}_imports__.ts`);
  }

  private isLive(cell: Cell, name: string): boolean {
    return this.owners.get(name)?.includes(cell.index) ?? false;
  }

  /** (Re)writes a cell's files for the names it still owns; drops files that would declare nothing. */
  private render(cell: Cell): void {
    const imported = new Set(cell.bindings.map((b) => b.local));
    const live = [...cell.names].some((name) => !imported.has(name) && this.isLive(cell, name));
    const script = scriptText(cell, (name) => this.isLive(cell, name));
    this.writeOrDrop(this.scriptFile(cell.index), live || cell.keepScript ? script : undefined);
    if (cell.importText) {
      const globals = cell.bindings
        .filter((b) => this.isLive(cell, b.local))
        .map((b) => globalDeclaration(b, cell.meanings.get(b.alias)));
      const keep = globals.length > 0 || cell.keepImports;
      const text = `${cell.importText}declare global {\n${globals.join('\n')}\n}\nexport {};\n`;
      this.writeOrDrop(this.importsFile(cell.index), keep ? text : undefined);
    }
  }

  private writeOrDrop(fileName: string, text: string | undefined): void {
    if (text === undefined) {
      if (this.fileMap.delete(fileName)) this.view = undefined;
    } else this.write(fileName, text);
  }

  private write(fileName: string, text: string): void {
    if (this.fileMap.get(fileName)?.text === text) return;
    this.fileMap.set(fileName, { text, version: this.nextVersion++ });
    this.view = undefined;
  }

  private makeView(): Map<string, VirtualFile> {
    const view = new Map<string, VirtualFile>();
    const sealed = Math.floor(this.cells.length / CHUNK) * CHUNK;
    let chunk: { name: string; scripts: VirtualFile[] } | undefined;
    for (let index = 0; index < this.cells.length; index++) {
      if (index % CHUNK === 0 && index < sealed) {
        if (chunk) this.addChunk(view, chunk.name, chunk.scripts);
        chunk = { name: join(this.dir, `${INTERNAL_PREFIX}cells_${index / CHUNK}__.ts`), scripts: [] };
      }
      const imports = this.fileMap.get(this.importsFile(index));
      if (imports) view.set(this.importsFile(index), imports);
      const script = this.fileMap.get(this.scriptFile(index));
      if (!script) continue;
      if (index < sealed && this.cells[index]?.chunkable) chunk!.scripts.push(script);
      else view.set(this.scriptFile(index), script);
    }
    if (chunk) this.addChunk(view, chunk.name, chunk.scripts);
    for (const name of this.chunks.keys()) if (!view.has(name)) this.chunks.delete(name);
    return view;
  }

  /** A chunk's file keeps its version (and so its parse) while its scripts are the same. */
  private addChunk(view: Map<string, VirtualFile>, name: string, scripts: VirtualFile[]): void {
    if (scripts.length === 0) return;
    const made = scripts.map((script) => script.version).join(',');
    let entry = this.chunks.get(name);
    if (entry?.made !== made) {
      entry = { made, file: { text: scripts.map((script) => script.text).join('\n;\n'), version: this.nextVersion++ } };
      this.chunks.set(name, entry);
    }
    view.set(name, entry.file);
  }
}

function parseCell(index: number, code: string): Cell {
  const source = ts.createSourceFile(`cell${index}.ts`, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const names = new Set<string>();
  const bindings: ImportBinding[] = [];
  const imports: string[] = [];
  let keepScript = false;
  let keepImports = false;
  const aliasFor = (local: string): string => `${INTERNAL_PREFIX}i${index}_${bindings.length}_${local}`;
  for (const statement of source.statements) {
    for (const name of declarationNames(statement)) names.add(name.text);
    if (ts.isModuleDeclaration(statement) && (!ts.isIdentifier(statement.name) || isGlobalAugmentation(statement))) keepScript = true;
    if (ts.isImportDeclaration(statement)) {
      const text = importText(statement, bindings, aliasFor);
      if (statement.importClause === undefined) keepImports = true;
      imports.push(text);
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      // `import x = require('m')` is module.exports, which is what a default import gives with esModuleInterop.
      const local = statement.name.text;
      const alias = aliasFor(local);
      bindings.push({ local, alias, typeOnly: statement.isTypeOnly });
      imports.push(`import ${alias} from ${statement.moduleReference.expression.getText(source)};\n`);
    }
  }
  const directives = source.referencedFiles.length + source.typeReferenceDirectives.length + source.libReferenceDirectives.length;
  const chunkable = directives === 0 && !code.startsWith('#!');
  // A cell of `/// <reference>` directives alone still matters to later cells.
  if (directives > 0) keepScript = true;
  return { index, source, names, shapes: shapesOf(source), importText: imports.join(''), bindings, meanings: new Map(), keepScript, keepImports, chunkable };
}

/** What each name the cell declares is, for merging: see `merges`. */
function shapesOf(source: ts.SourceFile): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  for (const statement of source.statements) {
    for (const name of declarationNames(statement)) {
      const kind = ts.isInterfaceDeclaration(statement) ? 'interface'
        : ts.isClassDeclaration(statement) ? 'class'
        : ts.isModuleDeclaration(statement) ? 'namespace'
        : 'other';
      const shape = shapes.get(name.text);
      if (shape === undefined) shapes.set(name.text, { kind, members: memberNames(statement) });
      else if (shape.kind !== kind) shape.kind = 'other';
      else for (const member of memberNames(statement)) shape.members.add(member);
    }
  }
  return shapes;
}

function memberNames(statement: ts.Statement): Set<string> {
  const names = new Set<string>();
  const nameOf = (member: ts.ClassElement | ts.TypeElement): string | undefined => {
    if (ts.isCallSignatureDeclaration(member)) return '()';
    if (ts.isConstructSignatureDeclaration(member)) return 'new()';
    if (ts.isIndexSignatureDeclaration(member)) return '[]';
    if (ts.isConstructorDeclaration(member) || ts.isClassStaticBlockDeclaration(member)) return undefined;
    return member.name && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) || ts.isNumericLiteral(member.name))
      ? member.name.text : member.name?.getText();
  };
  if (ts.isInterfaceDeclaration(statement) || ts.isClassDeclaration(statement)) {
    for (const member of statement.members as ts.NodeArray<ts.ClassElement | ts.TypeElement>) {
      const name = nameOf(member);
      if (name !== undefined) names.add(name);
    }
  }
  if (ts.isModuleDeclaration(statement)) {
    let body = statement.body;
    // `namespace A.B {}`: A's member is B.
    if (body && ts.isModuleDeclaration(body)) names.add(body.name.text);
    while (body && ts.isModuleDeclaration(body)) body = body.body;
    if (body && ts.isModuleBlock(body)) {
      for (const inner of body.statements) {
        const exported = ts.canHaveModifiers(inner) && ts.getModifiers(inner)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
        if (exported) for (const name of declarationNames(inner)) names.add(name.text);
      }
    }
  }
  return names;
}

/**
 * Whether a later cell's declaration of a name merges with an earlier cell's,
 * as TypeScript merges them within one file: an interface into an interface
 * or a class, a namespace into a namespace, when they share no member.
 */
function merges(earlier: Shape | undefined, later: Shape | undefined): boolean {
  if (!earlier || !later) return false;
  const kinds = later.kind === 'interface' ? ['interface', 'class'] : later.kind === 'namespace' ? ['namespace'] : [];
  if (!kinds.includes(earlier.kind)) return false;
  for (const member of later.members) if (earlier.members.has(member)) return false;
  return true;
}

function isGlobalAugmentation(statement: ts.ModuleDeclaration): boolean {
  return (statement.flags & ts.NodeFlags.GlobalAugmentation) !== 0;
}

/** `import a, { b as c } from 'm'` -> `import __loom_a, { b as __loom_c } from 'm'`, recording the bindings. */
function importText(statement: ts.ImportDeclaration, bindings: ImportBinding[], aliasFor: (local: string) => string): string {
  const source = statement.getSourceFile();
  const from = statement.moduleSpecifier.getText(source);
  const attributes = statement.attributes ? ' ' + statement.attributes.getText(source) : '';
  const clause = statement.importClause;
  if (clause === undefined) return `import ${from}${attributes};\n`;
  const bind = (name: ts.Identifier, typeOnly: boolean): string => {
    const alias = aliasFor(name.text);
    bindings.push({ local: name.text, alias, typeOnly: typeOnly || clause.isTypeOnly });
    return alias;
  };
  const parts: string[] = [];
  if (clause.name) parts.push(bind(clause.name, false));
  const named = clause.namedBindings;
  if (named && ts.isNamespaceImport(named)) parts.push(`* as ${bind(named.name, false)}`);
  if (named && ts.isNamedImports(named)) {
    const elements = named.elements.map((element) => {
      const imported = (element.propertyName ?? element.name).getText(source);
      return `${element.isTypeOnly ? 'type ' : ''}${imported} as ${bind(element.name, element.isTypeOnly)}`;
    });
    parts.push(`{ ${elements.join(', ')} }`);
  }
  return `import ${clause.isTypeOnly ? 'type ' : ''}${parts.join(', ')} from ${from}${attributes};\n`;
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

/** The cell as a script: import/export syntax removed, declarations of names a later cell owns renamed away. */
function scriptText(cell: Cell, isLive: (name: string) => boolean): string {
  const { source } = cell;
  const text = source.text;
  const edits: { start: number; end: number; text: string }[] = [];
  const hiddenName = (name: string): string => `${INTERNAL_PREFIX}shadowed${cell.index}_${name}`;
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
      const renamed = shorthand ? `${name.text}: ${hiddenName(name.text)}` : hiddenName(name.text);
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

/** The identifiers a top-level statement declares in the notebook's shared scope. */
function declarationNames(statement: ts.Statement): ts.Identifier[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => bindingNames(d.name));
  }
  if (
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement) ||
    (ts.isModuleDeclaration(statement) && !isGlobalAugmentation(statement)) ||
    ts.isImportEqualsDeclaration(statement)
  ) {
    return statement.name && ts.isIdentifier(statement.name) ? [statement.name] : [];
  }
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    const named = clause?.namedBindings;
    return [
      ...(clause?.name ? [clause.name] : []),
      ...(named && ts.isNamespaceImport(named) ? [named.name] : []),
      ...(named && ts.isNamedImports(named) ? named.elements.map((e) => e.name) : []),
    ];
  }
  return [];
}

function bindingNames(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((element) => (ts.isBindingElement(element) ? bindingNames(element.name) : []));
}
