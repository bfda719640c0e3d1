/**
 * Turns a cell (already JavaScript: types stripped, enums and namespaces lowered)
 * into a script whose top-level bindings are globals:
 *
 *   "use strict";
 *   var a, b, C;                       // every top-level binding, re-declarable
 *   function f() {}                    // hoisted like in JS, global like var
 *   (async () => {                     // top-level await works in here
 *     a = 1; ({ b } = obj); C = class C {};
 *     return { value: lastExpression };// boxed, so a Promise result stays a Promise
 *   })();
 *
 * Why var: a script's `var` and function declarations become properties of
 * globalThis, so the next cell sees them and may declare them again; a script's
 * `let`/`const` would live in the global lexical scope, where a second
 * `const x` is a SyntaxError. The price is that `const` is not read-only across
 * cells and there is no temporal dead zone at top level.
 */
import ts from 'typescript';

/** What the script's IIFE resolves to when the cell ends with an expression. */
export interface CellCompletion {
  value: unknown;
}

/** A statement the cell cannot have at top level, found while rewriting it. */
export interface ScopeProblem {
  /** Offset in the cell's source. */
  start: number;
  message: string;
}

/** `declared` receives the names of the globals the cell declares (the user's, not TypeScript's temporaries). */
export function topLevelToGlobals(problems: ScopeProblem[], declared: string[] = []) {
  return (context: ts.TransformationContext): ts.Transformer<ts.SourceFile> => (sourceFile) => {
    const builder = new ScriptBuilder(context, problems);
    const script = builder.build(sourceFile);
    declared.push(...builder.declaredNames());
    return script;
  };
}

class ScriptBuilder {
  /**
   * The names to declare, as nodes: TypeScript's own temporaries (`env_1` for
   * `using`) only get their final text when printed, from the node.
   */
  private readonly globals = new Map<string | ts.Identifier, ts.Identifier>();
  /** Names of the top-level function declarations, which stay declarations (hoisted). */
  private readonly functionNames: string[] = [];
  private readonly f: ts.NodeFactory;
  /** The cell as parsed, to tell where a problem is. */
  private parsed: ts.SourceFile | undefined;

  constructor(private readonly context: ts.TransformationContext, private readonly problems: ScopeProblem[]) {
    this.f = context.factory;
  }

  build(sourceFile: ts.SourceFile): ts.SourceFile {
    this.parsed = ts.getParseTreeNode(sourceFile, ts.isSourceFile) ?? sourceFile;
    const f = this.f;
    const result = lastExpression(sourceFile.statements);
    const functions: ts.Statement[] = [];
    const body: ts.Statement[] = [];
    for (const statement of sourceFile.statements) {
      if (ts.isFunctionDeclaration(statement)) {
        functions.push(statement);
        if (statement.name) this.functionNames.push(statement.name.text);
      }
      else if (statement === result) body.push(this.returnValue(result));
      else body.push(...this.topLevel(statement));
    }
    const run = f.createArrowFunction([f.createModifier(ts.SyntaxKind.AsyncKeyword)], undefined, [], undefined,
      f.createToken(ts.SyntaxKind.EqualsGreaterThanToken), f.createBlock(body, true));
    const script: ts.Statement[] = [f.createExpressionStatement(f.createStringLiteral('use strict'))];
    if (this.globals.size > 0) {
      script.push(f.createVariableStatement(undefined,
        [...this.globals.values()].map((name) => f.createVariableDeclaration(name))));
    }
    script.push(...functions, f.createExpressionStatement(f.createCallExpression(f.createParenthesizedExpression(run), undefined, [])));
    return f.updateSourceFile(sourceFile, script);
  }

  /** Every global the script declares by name: vars, lets, consts, classes, functions, enums, namespaces, imports. */
  declaredNames(): string[] {
    // TypeScript's own nodes count too (`var Color;` for an enum), its temporaries (`env_1`) do not.
    const names = [...this.globals.keys()].flatMap((key) => typeof key === 'string' ? [key] : isTemporary(key) ? [] : [ts.idText(key)]);
    return [...new Set([...names, ...this.functionNames])];
  }

  private topLevel(statement: ts.Statement): ts.Statement[] {
    // TypeScript adds `export {}` to mark a module; the before pass removed the user's exports.
    if (ts.isExportDeclaration(statement) || ts.isImportDeclaration(statement)) return [];
    if (ts.isVariableStatement(statement)) return this.declarationsToAssignments(statement.declarationList, true);
    if (ts.isClassDeclaration(statement) && statement.name) {
      this.declare(statement.name);
      const expression = ts.setTextRange(this.f.createClassExpression(statement.modifiers?.filter(ts.isDecorator),
        statement.name, statement.typeParameters, statement.heritageClauses, statement.members), statement);
      return [ts.setTextRange(this.f.createExpressionStatement(this.f.createAssignment(statement.name, expression)), statement)];
    }
    return [this.statement(statement)];
  }

  private returnValue(statement: ts.ExpressionStatement): ts.Statement {
    const box = this.f.createObjectLiteralExpression([this.f.createPropertyAssignment('value', statement.expression)]);
    return ts.setTextRange(this.f.createReturnStatement(box), statement);
  }

  /**
   * `var` inside top-level blocks and loops is global in a script too, so it is
   * hoisted as well; `let`/`const` there stay local. Functions and classes are
   * their own scopes and are left alone.
   */
  private readonly nested = (node: ts.Node): ts.Node | ts.Node[] => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return node;
    if (ts.isReturnStatement(node)) {
      const start = ts.getOriginalNode(node).getStart(this.parsed);
      this.problems.push({ start, message: "A 'return' statement can only be used within a function body." });
      return node;
    }
    if (ts.isVariableStatement(node) && isVar(node.declarationList)) {
      return this.declarationsToAssignments(node.declarationList, false);
    }
    if ((ts.isForStatement(node) && node.initializer && ts.isVariableDeclarationList(node.initializer) && isVar(node.initializer))) {
      const assignments = this.declarationsToAssignments(node.initializer, false).map((s) => (s as ts.ExpressionStatement).expression);
      const initializer = assignments.length === 0 ? undefined : assignments.reduce((all, next) => this.f.createComma(all, next));
      return this.f.updateForStatement(node, initializer, node.condition, node.incrementor, this.statement(node.statement));
    }
    if ((ts.isForInStatement(node) || ts.isForOfStatement(node)) && ts.isVariableDeclarationList(node.initializer) && isVar(node.initializer)) {
      const target = this.assignmentTarget(node.initializer.declarations[0]!.name);
      const statement = this.statement(node.statement);
      return ts.isForInStatement(node)
        ? this.f.updateForInStatement(node, target, node.expression, statement)
        : this.f.updateForOfStatement(node, node.awaitModifier, target, node.expression, statement);
    }
    return ts.visitEachChild(node, this.nested, this.context);
  };

  private declare(name: ts.Identifier): void {
    this.globals.set(ts.isParseTreeNode(name) ? name.text : name, name);
  }

  private statement(node: ts.Statement): ts.Statement {
    return ts.visitNode(node, this.nested, ts.isStatement, (nodes) => nodes.length === 1 ? nodes[0]! : this.f.createBlock(nodes as ts.Statement[])) ?? this.f.createBlock([]);
  }

  /** `let a = 1, {b} = o` -> `a = 1; ({b} = o);` with a and b made globals. */
  private declarationsToAssignments(list: ts.VariableDeclarationList, topLevel: boolean): ts.Statement[] {
    const lexical = !isVar(list);
    return list.declarations.flatMap((declaration) => {
      const target = this.assignmentTarget(declaration.name);
      // `var x;` keeps x's value, as redeclaring a var does; `let x;` starts it over.
      const value = declaration.initializer ?? (lexical && topLevel ? this.f.createVoidZero() : undefined);
      if (value === undefined) return [];
      const assignment = ts.setTextRange(this.f.createAssignment(target, value), declaration);
      return [ts.setTextRange(this.f.createExpressionStatement(assignment), declaration)];
    });
  }

  /** A binding pattern rewritten as the equivalent assignment pattern; collects the names. */
  private assignmentTarget(name: ts.BindingName): ts.Expression {
    const f = this.f;
    if (ts.isIdentifier(name)) {
      this.declare(name);
      return name;
    }
    if (ts.isObjectBindingPattern(name)) {
      return f.createObjectLiteralExpression(name.elements.map((element): ts.ObjectLiteralElementLike => {
        const target = this.assignmentTarget(element.name);
        if (element.dotDotDotToken) return f.createSpreadAssignment(target);
        if (element.propertyName === undefined && ts.isIdentifier(target)) {
          return f.createShorthandPropertyAssignment(target, element.initializer);
        }
        const value = element.initializer ? f.createAssignment(target, element.initializer) : target;
        return f.createPropertyAssignment(element.propertyName ?? (target as ts.Identifier), value);
      }));
    }
    return f.createArrayLiteralExpression(name.elements.map((element): ts.Expression => {
      if (ts.isOmittedExpression(element)) return f.createOmittedExpression();
      const target = this.assignmentTarget(element.name);
      if (element.dotDotDotToken) return f.createSpreadElement(target);
      return element.initializer ? f.createAssignment(target, element.initializer) : target;
    }));
  }
}

/** A name TypeScript made up (`env_1` for `using`): marked auto-generated, which only its internal API exposes. */
function isTemporary(name: ts.Identifier): boolean {
  return (name as { emitNode?: { autoGenerate?: unknown } }).emitNode?.autoGenerate !== undefined;
}

function isVar(list: ts.VariableDeclarationList): boolean {
  return (list.flags & ts.NodeFlags.BlockScoped) === 0;
}

/**
 * The statement whose value is the cell's result: the last one that does
 * something, if it is an expression. Function declarations and stray
 * semicolons do not end a cell; `const x = 1` at the end means no result.
 */
function lastExpression(statements: readonly ts.Statement[]): ts.ExpressionStatement | undefined {
  for (let i = statements.length - 1; i >= 0; i--) {
    const statement = statements[i]!;
    if (ts.isFunctionDeclaration(statement) || ts.isEmptyStatement(statement) || ts.isExportDeclaration(statement)) continue;
    return ts.isExpressionStatement(statement) ? statement : undefined;
  }
  return undefined;
}
