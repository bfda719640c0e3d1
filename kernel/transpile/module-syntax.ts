/**
 * The module syntax of a cell, rewritten for a script: a cell is run with
 * vm.runInThisContext, where `import` and `export` statements are syntax errors.
 *
 * Runs as a `before` transformer, on the TypeScript tree, because only there can
 * we still tell `import type` and `{type X}` apart, and because TypeScript would
 * otherwise elide an import whose names this cell does not use (the next cell may).
 */
import ts from 'typescript';
import { IMPORT_FUNCTION } from './import-function.js';
import { loomModuleUrl } from './loom-modules.js';

export { IMPORT_FUNCTION };

/**
 * `import ... from 'm'` -> `const ... = await import('m')`; `export` keywords
 * dropped; every import(), static or dynamic, called through IMPORT_FUNCTION.
 */
export function moduleSyntaxToScript(context: ts.TransformationContext): ts.Transformer<ts.SourceFile> {
  const f = context.factory;
  const dynamicImports = (node: ts.Node): ts.Node => {
    const visited = ts.visitEachChild(node, dynamicImports, context);
    if (!ts.isCallExpression(visited) || visited.expression.kind !== ts.SyntaxKind.ImportKeyword) return visited;
    return ts.setTextRange(importCall(f, visited.arguments[0] ?? f.createVoidZero(), visited.arguments.slice(1)), node);
  };
  return (sourceFile) => {
    const statements = sourceFile.statements.flatMap((statement): ts.Statement[] => {
      const rewritten = rewrite(f, ts.visitNode(statement, dynamicImports, ts.isStatement) ?? statement);
      return rewritten === undefined ? [] : [ts.setTextRange(rewritten, statement)];
    });
    return f.updateSourceFile(sourceFile, statements);
  };
}

/** `__loom_import(specifier, (s) => import(s, options))`. */
function importCall(f: ts.NodeFactory, specifier: ts.Expression, options: readonly ts.Expression[]): ts.Expression {
  const parameter = f.createIdentifier('specifier');
  const load = f.createArrowFunction(undefined, undefined, [f.createParameterDeclaration(undefined, undefined, parameter)], undefined,
    f.createToken(ts.SyntaxKind.EqualsGreaterThanToken),
    f.createCallExpression(f.createToken(ts.SyntaxKind.ImportKeyword) as ts.Expression, undefined, [parameter, ...options]));
  return f.createCallExpression(f.createIdentifier(IMPORT_FUNCTION), undefined, [specifier, load]);
}

function rewrite(f: ts.NodeFactory, statement: ts.Statement): ts.Statement | undefined {
  if (ts.isImportDeclaration(statement)) return importToAwait(f, statement);
  if (ts.isImportEqualsDeclaration(statement)) return importEqualsToConst(f, statement);
  // `export {a}`, `export * from 'm'`, `export {}`: nothing to run in a notebook.
  if (ts.isExportDeclaration(statement)) return undefined;
  // `export default expr` and `export = expr` keep their value as an expression.
  if (ts.isExportAssignment(statement)) return f.createExpressionStatement(statement.expression);
  if (ts.isFunctionDeclaration(statement) && statement.name === undefined && statement.body) {
    const fn = f.createFunctionExpression(
      keptModifiers(statement) as ts.Modifier[] | undefined, statement.asteriskToken, undefined,
      statement.typeParameters, statement.parameters, statement.type, statement.body);
    return f.createExpressionStatement(f.createParenthesizedExpression(fn));
  }
  if (ts.isClassDeclaration(statement) && statement.name === undefined) {
    return f.createExpressionStatement(f.createParenthesizedExpression(f.createClassExpression(
      keptModifiers(statement), undefined, statement.typeParameters, statement.heritageClauses, statement.members)));
  }
  if (!ts.canHaveModifiers(statement) || keptModifiers(statement)?.length === statement.modifiers?.length) {
    return statement;
  }
  if (ts.isClassDeclaration(statement)) return f.replaceDecoratorsAndModifiers(statement, keptModifiers(statement));
  // Only classes carry decorators among statements, so these are plain modifiers.
  return f.replaceModifiers(statement, keptModifiers(statement) as ts.Modifier[] | undefined);
}

function keptModifiers(node: ts.HasModifiers): ts.ModifierLike[] | undefined {
  return node.modifiers?.filter((m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword);
}

function importToAwait(f: ts.NodeFactory, node: ts.ImportDeclaration): ts.Statement | undefined {
  const clause = node.importClause;
  if (clause?.phaseModifier === ts.SyntaxKind.TypeKeyword) return undefined;
  const load = f.createAwaitExpression(importCall(f, specifier(f, node.moduleSpecifier), importOptions(f, node.attributes)));
  if (clause === undefined) return f.createExpressionStatement(load);

  const bindings = clause.namedBindings;
  const declarations: ts.VariableDeclaration[] = [];
  if (bindings !== undefined && ts.isNamespaceImport(bindings)) {
    // `import x, * as ns from 'm'`: bind the namespace, then take the default from it.
    declarations.push(f.createVariableDeclaration(bindings.name, undefined, undefined, load));
    if (clause.name) {
      declarations.push(f.createVariableDeclaration(clause.name, undefined, undefined,
        f.createPropertyAccessExpression(bindings.name, 'default')));
    }
  } else {
    const elements: ts.BindingElement[] = [];
    if (clause.name) elements.push(f.createBindingElement(undefined, 'default', clause.name));
    const named = bindings?.elements.filter((s) => !s.isTypeOnly) ?? [];
    for (const s of named) {
      elements.push(f.createBindingElement(undefined, s.propertyName && exportName(f, s.propertyName), s.name));
    }
    // Every binding was a type: TypeScript would drop the whole import, and so do we.
    if (elements.length === 0 && (clause.name !== undefined || (bindings?.elements.length ?? 0) > 0)) return undefined;
    if (elements.length === 0) return f.createExpressionStatement(load);
    declarations.push(f.createVariableDeclaration(f.createObjectBindingPattern(elements), undefined, undefined, load));
  }
  return f.createVariableStatement(undefined, f.createVariableDeclarationList(declarations, ts.NodeFlags.Const));
}

/** loom's own modules load from the kernel's package, wherever the notebook is. */
function specifier(f: ts.NodeFactory, moduleSpecifier: ts.Expression): ts.Expression {
  const url = ts.isStringLiteral(moduleSpecifier) ? loomModuleUrl(moduleSpecifier.text) : undefined;
  return url === undefined ? moduleSpecifier : f.createStringLiteral(url);
}

/** `import {"a-b" as c}` names the export with a string; a binding element takes it as a property name. */
function exportName(f: ts.NodeFactory, name: ts.ModuleExportName): ts.PropertyName {
  return ts.isIdentifier(name) ? name : f.createStringLiteral(name.text);
}

/** `with {type: 'json'}` becomes import()'s second argument. */
function importOptions(f: ts.NodeFactory, attributes: ts.ImportAttributes | undefined): ts.Expression[] {
  if (attributes === undefined) return [];
  const entries = attributes.elements.map((a) => f.createPropertyAssignment(a.name, a.value));
  return [f.createObjectLiteralExpression([f.createPropertyAssignment('with', f.createObjectLiteralExpression(entries))])];
}

/** `import x = require('m')` -> `const x = require('m')` (the executor provides a global require). */
function importEqualsToConst(f: ts.NodeFactory, node: ts.ImportEqualsDeclaration): ts.Statement | undefined {
  if (node.isTypeOnly) return undefined;
  if (!ts.isExternalModuleReference(node.moduleReference)) {
    // `import A = N.B` is an alias TypeScript itself lowers to a var; only the export goes.
    return f.replaceModifiers(node, keptModifiers(node) as ts.Modifier[] | undefined);
  }
  const call = f.createCallExpression(f.createIdentifier('require'), undefined, [node.moduleReference.expression]);
  return f.createVariableStatement(undefined,
    f.createVariableDeclarationList([f.createVariableDeclaration(node.name, undefined, undefined, call)], ts.NodeFlags.Const));
}
