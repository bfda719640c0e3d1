/**
 * Which top-level names of a cell are bindings of a module, as data:
 * `import fs from 'node:fs'` is `{local: 'fs', imported: 'default', specifier: 'node:fs'}`.
 *
 * The executor keeps them (runtime/notebook-declarations.ts) because a
 * function sent to a thread or process cannot take `fs` along as a value (a
 * module is not cloneable): the worker requires the same module instead.
 * Besides `import` statements, the CommonJS spellings a notebook uses count
 * too: `const x = require('m')`, `const { a, b: c } = require('m')` and
 * `const ns = await import('m')`.
 */
import ts from 'typescript';

export interface ImportBinding {
  /** The name the cell binds. */
  local: string;
  /** 'default' (the module itself for CommonJS, as Node's import gives it), '*' (the namespace), or an export's name. */
  imported: string;
  /** The module, as the cell wrote it ('node:fs', 'loom/threading', './util.js'). */
  specifier: string;
}

/** A `before` transformer that only looks: it appends the cell's import bindings to `out`. */
export function reportImports(out: ImportBinding[]) {
  return (): ts.Transformer<ts.SourceFile> => (sourceFile) => {
    out.push(...importBindings(sourceFile));
    return sourceFile;
  };
}

export function importBindings(sourceFile: ts.SourceFile): ImportBinding[] {
  return sourceFile.statements.flatMap((statement): ImportBinding[] => {
    if (ts.isImportDeclaration(statement)) return fromImport(statement);
    if (ts.isImportEqualsDeclaration(statement)) return fromImportEquals(statement);
    if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.flatMap(fromVariable);
    return [];
  });
}

function fromImport(node: ts.ImportDeclaration): ImportBinding[] {
  const clause = node.importClause;
  if (!clause || clause.isTypeOnly || !ts.isStringLiteral(node.moduleSpecifier)) return [];
  const specifier = node.moduleSpecifier.text;
  const bindings: ImportBinding[] = [];
  if (clause.name) bindings.push({ local: clause.name.text, imported: 'default', specifier });
  const named = clause.namedBindings;
  if (named && ts.isNamespaceImport(named)) bindings.push({ local: named.name.text, imported: '*', specifier });
  if (named && ts.isNamedImports(named)) {
    for (const element of named.elements) {
      if (element.isTypeOnly) continue;
      bindings.push({ local: element.name.text, imported: (element.propertyName ?? element.name).text, specifier });
    }
  }
  return bindings;
}

/** `import x = require('m')` runs as `const x = require('m')`: the module itself. */
function fromImportEquals(node: ts.ImportEqualsDeclaration): ImportBinding[] {
  if (node.isTypeOnly || !ts.isExternalModuleReference(node.moduleReference)) return [];
  const expression = node.moduleReference.expression;
  return ts.isStringLiteral(expression) ? [{ local: node.name.text, imported: 'default', specifier: expression.text }] : [];
}

/** `x = require('m')`, `{a, b: c} = require('m')`, `ns = await import('m')`. */
function fromVariable(declaration: ts.VariableDeclaration): ImportBinding[] {
  const load = moduleLoad(declaration.initializer);
  if (!load) return [];
  const { specifier, whole } = load;
  const name = declaration.name;
  if (ts.isIdentifier(name)) return [{ local: name.text, imported: whole, specifier }];
  if (!ts.isObjectBindingPattern(name)) return [];
  return name.elements.flatMap((element): ImportBinding[] => {
    if (element.dotDotDotToken || element.initializer || !ts.isIdentifier(element.name)) return [];
    const property = element.propertyName ?? element.name;
    if (!ts.isIdentifier(property) && !ts.isStringLiteral(property)) return [];
    // A CommonJS `default` property is not the ES default export: leave it a value.
    if (property.text === 'default' && whole === 'default') return [];
    return [{ local: element.name.text, imported: property.text, specifier }];
  });
}

/** The module an initializer loads whole: `require('m')` (its default) or `await import('m')` (its namespace). */
function moduleLoad(initializer: ts.Expression | undefined): { specifier: string; whole: string } | undefined {
  let expression = initializer;
  while (expression && ts.isParenthesizedExpression(expression)) expression = expression.expression;
  if (!expression) return undefined;
  const awaited = ts.isAwaitExpression(expression);
  const call = ts.isAwaitExpression(expression) ? expression.expression : expression;
  if (!ts.isCallExpression(call) || call.arguments.length < 1) return undefined;
  const argument = call.arguments[0]!;
  if (!ts.isStringLiteralLike(argument)) return undefined;
  const isRequire = !awaited && ts.isIdentifier(call.expression) && call.expression.text === 'require' && call.arguments.length === 1;
  const isImport = awaited && call.expression.kind === ts.SyntaxKind.ImportKeyword;
  if (isRequire) return { specifier: argument.text, whole: 'default' };
  if (isImport) return { specifier: argument.text, whole: '*' };
  return undefined;
}
