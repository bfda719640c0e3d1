/**
 * Which names a function's source uses without declaring them. A function
 * sent to a thread keeps only its source, so every such name must be a
 * global, a name loom provides, or it will fail there; finding them here lets
 * `start()` fail at once with the names instead of a ReferenceError later.
 *
 * Parsed with TypeScript's parser (already a dependency); the scope rules are
 * JavaScript's: var/params/function names per function, let/const/class per
 * block, catch bindings per clause, a named function/class expression sees
 * its own name.
 */
import type * as TS from 'typescript';

/** One free name and how it is used: `members` lists `name.member` accesses, null if also used bare. */
export interface FreeName {
  name: string;
  members: Set<string> | null;
}

export interface SourceFacts {
  /** Free names in order of first use. */
  free: FreeName[];
  /** Non-static `#private` members of the top-level class (they cannot be revived, see ship.ts). */
  privateMembers: string[];
}

let tsModule: typeof TS | undefined;
function ts(): typeof TS {
  // Loaded lazily: requiring typescript costs about 150 ms, paid only by code that ships functions.
  return (tsModule ??= require('typescript') as typeof TS);
}

/** Parses `source` (one JavaScript expression, or statements) and reports its free names. */
export function analyse(source: string): SourceFacts {
  const t = ts();
  const file = t.createSourceFile('shipped.js', source, t.ScriptTarget.Latest, true, t.ScriptKind.JS);
  const declared = new Map<TS.Node, Set<string>>();
  const declare = (scope: TS.Node, name: string): void => {
    let names = declared.get(scope);
    if (!names) declared.set(scope, (names = new Set()));
    names.add(name);
  };
  const bindingNames = (name: TS.BindingName, out: string[] = []): string[] => {
    if (t.isIdentifier(name)) out.push(name.text);
    else for (const element of name.elements) if (!t.isOmittedExpression(element)) bindingNames(element.name, out);
    return out;
  };
  const isFunctionScope = (node: TS.Node): boolean => t.isFunctionLike(node) || t.isSourceFile(node) || t.isClassStaticBlockDeclaration(node);
  const isBlockScope = (node: TS.Node): boolean => isFunctionScope(node) || t.isBlock(node) || t.isCaseBlock(node) ||
    t.isForStatement(node) || t.isForInStatement(node) || t.isForOfStatement(node) || t.isCatchClause(node) || t.isModuleBlock(node);
  const enclosing = (from: TS.Node, accept: (node: TS.Node) => boolean): TS.Node => {
    let node = from;
    while (!accept(node) && node.parent) node = node.parent;
    return node;
  };

  const collect = (node: TS.Node): void => {
    if (t.isVariableDeclaration(node)) {
      if (t.isCatchClause(node.parent)) bindingNames(node.name).forEach((n) => declare(node.parent, n));
      else {
        const list = node.parent as TS.VariableDeclarationList;
        const blockScoped = (list.flags & (t.NodeFlags.Let | t.NodeFlags.Const | t.NodeFlags.Using)) !== 0;
        const scope = enclosing(list.parent, blockScoped ? isBlockScope : isFunctionScope);
        bindingNames(node.name).forEach((n) => declare(scope, n));
      }
    } else if (t.isParameter(node)) {
      bindingNames(node.name).forEach((n) => declare(node.parent, n));
    } else if ((t.isFunctionDeclaration(node) || t.isClassDeclaration(node)) && node.name) {
      declare(enclosing(node.parent, isBlockScope), node.name.text);
    } else if ((t.isFunctionExpression(node) || t.isClassExpression(node)) && node.name) {
      declare(node, node.name.text);
    }
    t.forEachChild(node, collect);
  };
  collect(file);

  const free = new Map<string, FreeName>();
  const isReference = (id: TS.Identifier): boolean => {
    const p = id.parent;
    if (t.isPropertyAccessExpression(p)) return p.expression === id;
    if (t.isQualifiedName(p)) return p.left === id;
    if (t.isPropertyAssignment(p) || t.isMethodDeclaration(p) || t.isPropertyDeclaration(p) || t.isGetAccessor(p) ||
      t.isSetAccessor(p) || t.isEnumMember(p) || t.isPropertySignature(p) || t.isMethodSignature(p)) return p.name !== id;
    if (t.isVariableDeclaration(p) || t.isParameter(p) || t.isFunctionDeclaration(p) || t.isFunctionExpression(p) ||
      t.isClassDeclaration(p) || t.isClassExpression(p)) return p.name !== id;
    if (t.isBindingElement(p)) return p.name !== id && p.propertyName !== id;
    if (t.isLabeledStatement(p) || t.isBreakOrContinueStatement(p)) return false;
    if (t.isMetaProperty(p) || t.isImportSpecifier(p) || t.isExportSpecifier(p) || t.isJsxAttribute(p)) return false;
    return true;
  };
  const resolves = (id: TS.Identifier): boolean => {
    for (let node: TS.Node | undefined = id.parent; node; node = node.parent) if (declared.get(node)?.has(id.text)) return true;
    return false;
  };
  const visit = (node: TS.Node): void => {
    if (t.isIdentifier(node) && node.text !== 'arguments' && isReference(node) && !resolves(node)) {
      const entry = free.get(node.text) ?? { name: node.text, members: new Set<string>() };
      free.set(node.text, entry);
      const p = node.parent;
      if (entry.members && t.isPropertyAccessExpression(p) && p.expression === node) entry.members.add(p.name.text);
      else entry.members = null;
    }
    t.forEachChild(node, visit);
  };
  visit(file);

  return { free: [...free.values()], privateMembers: privateMembersOf(t, file) };
}

function privateMembersOf(t: typeof TS, file: TS.SourceFile): string[] {
  const first = file.statements[0];
  let expression: TS.Node | undefined = first && t.isExpressionStatement(first) ? first.expression : undefined;
  while (expression && t.isParenthesizedExpression(expression)) expression = expression.expression;
  if (!expression || !t.isClassExpression(expression)) return [];
  return expression.members
    .filter((m) => m.name && t.isPrivateIdentifier(m.name) && !(t.getCombinedModifierFlags(m as TS.Declaration) & t.ModifierFlags.Static))
    .map((m) => (m.name as TS.PrivateIdentifier).text);
}

/** True when `source` parses without syntax errors. */
export function parses(source: string): boolean {
  const t = ts();
  const file = t.createSourceFile('probe.js', source, t.ScriptTarget.Latest, false, t.ScriptKind.JS);
  return ((file as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? []).length === 0;
}
