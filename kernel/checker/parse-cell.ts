/**
 * One executed cell, read once: the names it declares at the top level (at run
 * time they land in the notebook's one shared scope), how it declares each of
 * them, and its imports re-written to bind internal aliases (for its companion
 * module, see cell-text.ts).
 *
 * How a name is declared decides whether a later cell's declaration of it
 * merges with this one (`merges`): an interface that adds members to an
 * interface (or class) of an earlier cell, and a namespace that adds exports
 * to an earlier namespace (which at run time extends the same object), merge
 * with it, as in one file. When they name a member the earlier one has, they
 * are taken for a new version of it (the cell was run again, edited) and
 * replace it instead.
 */
import ts from 'typescript';
import { importAlias } from './internal-names.js';

/** What an imported name means: TypeScript's SymbolFlags of its target plus its type parameter count. */
export interface ImportMeaning {
  flags: ts.SymbolFlags;
  typeParameters: number;
}

/** A name one of the cell's imports binds. */
export interface ImportBinding {
  /** The name the cell declares. */
  local: string;
  /** The internal name it is imported under in the companion module. */
  alias: string;
  /** `import type` or `{ type X }`: never a value. */
  typeOnly: boolean;
}

/** How a cell declares a name, to tell whether a later declaration merges with it. */
export interface Shape {
  /** 'other' for anything else, or for a mix (a class and an interface of one name in one cell). */
  kind: 'interface' | 'class' | 'namespace' | 'other';
  /** Member names (interface, class) or exported names (namespace). */
  members: Set<string>;
}

/** One executed cell, as parseCell reads it. */
export interface Cell {
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

/** Reads the `index`th executed cell (its number in the notebook's program, from 0). */
export function parseCell(index: number, code: string): Cell {
  const source = ts.createSourceFile(`cell${index}.ts`, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const names = new Set<string>();
  const bindings: ImportBinding[] = [];
  const imports: string[] = [];
  let keepScript = false;
  let keepImports = false;
  const aliasFor = (local: string): string => importAlias(index, bindings.length, local);
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
export function merges(earlier: Shape | undefined, later: Shape | undefined): boolean {
  if (!earlier || !later) return false;
  const kinds = later.kind === 'interface' ? ['interface', 'class'] : later.kind === 'namespace' ? ['namespace'] : [];
  if (!kinds.includes(earlier.kind)) return false;
  for (const member of later.members) if (earlier.members.has(member)) return false;
  return true;
}

export function isGlobalAugmentation(statement: ts.ModuleDeclaration): boolean {
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

/** The identifiers a top-level statement declares in the notebook's shared scope. */
export function declarationNames(statement: ts.Statement): ts.Identifier[] {
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
