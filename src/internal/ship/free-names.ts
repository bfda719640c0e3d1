/**
 * Which names a function's source uses without declaring them. A function
 * sent to a thread keeps only its source, so every such name must be a
 * global, a name loom provides, or it will fail there; finding them here lets
 * `start()` fail at once with the names instead of a ReferenceError later.
 *
 * The source is JavaScript (Function.prototype.toString), so it is parsed with
 * acorn, a small JavaScript parser: it loads in about 10 ms where TypeScript's
 * takes about 150 ms, which the first thread a program starts used to pay.
 * The scope rules are JavaScript's: var/params/function names per function,
 * let/const/class per block, catch bindings per clause, a named
 * function/class expression sees its own name.
 */
import type * as Acorn from 'acorn';
import { lazy } from '../lazy.js';
import { walk, type Node, type Visit } from './syntax-walk.js';

/** One free name and how it is used: `members` lists `name.member` accesses, null if also used bare. */
export interface FreeName {
  name: string;
  members: Set<string> | null;
}

/**
 * One use of a free name: where the identifier ends in the source, and whether
 * it is also a property's key (`{ n }`, `{ n = 1 } = o`), which a rename must
 * keep (`{ n: renamed }`).
 */
export interface FreeReference {
  name: string;
  end: number;
  shorthand: boolean;
}

export interface SourceFacts {
  /** Free names in order of first use. */
  free: FreeName[];
  /** Every use of a free name, in source order (revive-code.ts renames some of them). */
  references: FreeReference[];
  /** Non-static `#private` members of the top-level class, without the `#` (they cannot be revived, see ship.ts). */
  privateMembers: string[];
}

/** Only code that ships functions needs a parser, and never inside a worker. */
const acorn = lazy<typeof Acorn>(() => require('acorn'));

const OPTIONS: Acorn.Options = { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true };

function parse(source: string): Node {
  return acorn().parse(source, OPTIONS) as unknown as Node;
}

const FUNCTION_SCOPES = new Set(['Program', 'FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'StaticBlock']);
const BLOCK_SCOPES = new Set([...FUNCTION_SCOPES, 'BlockStatement', 'SwitchStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement', 'CatchClause']);

/** The names a binding pattern declares: `a`, `{b, c: [d]}`, `...e`, `f = 1`. */
function bindingNames(pattern: Node | null, out: string[] = []): string[] {
  if (!pattern) return out;
  switch (pattern.type) {
    case 'Identifier': out.push(pattern.name as string); break;
    case 'ObjectPattern': for (const p of pattern.properties as Node[]) bindingNames(p.type === 'RestElement' ? p : (p.value as Node), out); break;
    case 'ArrayPattern': for (const element of pattern.elements as (Node | null)[]) bindingNames(element, out); break;
    case 'RestElement': bindingNames(pattern.argument as Node, out); break;
    case 'AssignmentPattern': bindingNames(pattern.left as Node, out); break;
  }
  return out;
}

/** Every scope node with the names declared directly in it. */
function declarations(program: Node): Map<Node, Set<string>> {
  const declared = new Map<Node, Set<string>>();
  const declare = (scope: Node, names: string[]): void => {
    let set = declared.get(scope);
    if (!set) declared.set(scope, (set = new Set()));
    for (const name of names) set.add(name);
  };
  walk(program, (node, parents) => {
    const enclosing = (kinds: Set<string>): Node => parents.findLast((p) => kinds.has(p.type)) ?? program;
    switch (node.type) {
      case 'VariableDeclaration': {
        const scope = enclosing(node.kind === 'var' ? FUNCTION_SCOPES : BLOCK_SCOPES);
        for (const d of node.declarations as Node[]) declare(scope, bindingNames(d.id as Node));
        break;
      }
      case 'FunctionDeclaration':
      case 'ClassDeclaration':
        if (node.id) declare(enclosing(BLOCK_SCOPES), [(node.id as Node).name as string]);
        break;
    }
    if (node.type === 'FunctionExpression' || node.type === 'ClassExpression') {
      if (node.id) declare(node, [(node.id as Node).name as string]);
    }
    if (FUNCTION_SCOPES.has(node.type) && node.params) declare(node, (node.params as Node[]).flatMap((p) => bindingNames(p)));
    if (node.type === 'CatchClause') declare(node, bindingNames(node.param as Node | null));
  });
  return declared;
}

/**
 * Whether an identifier reached as `parent[field]` reads a variable. Property
 * names, labels and `new.target` do not; neither do the names a declaration
 * binds, which the walk below never reaches as references (see skipBindings).
 */
function isReference(parent: Node | undefined, field: string): boolean {
  if (!parent) return true;
  switch (parent.type) {
    case 'MemberExpression': return field !== 'property' || parent.computed === true;
    case 'Property': case 'MethodDefinition': case 'PropertyDefinition': return field !== 'key' || parent.computed === true;
    case 'FunctionDeclaration': case 'FunctionExpression': case 'ClassDeclaration': case 'ClassExpression': return field !== 'id';
    case 'LabeledStatement': case 'BreakStatement': case 'ContinueStatement': case 'MetaProperty': return false;
    default: return true;
  }
}

/**
 * In declarations the identifiers of a pattern are bindings, not uses; what a
 * pattern evaluates (defaults, computed keys) is visited as ordinary code.
 */
function visitPattern(pattern: Node | null, visit: Visit, parents: Node[]): void {
  if (!pattern || pattern.type === 'Identifier') return;
  const inner = [...parents, pattern];
  switch (pattern.type) {
    case 'ObjectPattern':
      for (const p of pattern.properties as Node[]) {
        if (p.type === 'RestElement') visitPattern(p.argument as Node, visit, [...inner, p]);
        else {
          if (p.computed) walk(p.key as Node, visit, [...inner, p], 'key');
          visitPattern(p.value as Node, visit, [...inner, p]);
        }
      }
      break;
    case 'ArrayPattern': for (const element of pattern.elements as (Node | null)[]) visitPattern(element, visit, inner); break;
    case 'RestElement': visitPattern(pattern.argument as Node, visit, inner); break;
    case 'AssignmentPattern':
      visitPattern(pattern.left as Node, visit, inner);
      walk(pattern.right as Node, visit, inner, 'right');
      break;
    default: walk(pattern, visit, parents);
  }
}

/** Declarations' patterns are walked by visitPattern; returns true when `node`'s own fields were handled here. */
function skipBindings(node: Node, visit: Visit, parents: Node[]): boolean {
  const inner = [...parents, node];
  if (node.type === 'VariableDeclarator') {
    visitPattern(node.id as Node, visit, inner);
    if (node.init) walk(node.init as Node, visit, inner, 'init');
    return true;
  }
  if (node.type === 'CatchClause') {
    visitPattern(node.param as Node | null, visit, inner);
    walk(node.body as Node, visit, inner, 'body');
    return true;
  }
  if (FUNCTION_SCOPES.has(node.type) && node.params) {
    for (const param of node.params as Node[]) visitPattern(param, visit, inner);
    walk(node.body as Node, visit, inner, 'body');
    return true;
  }
  return false;
}

/** Parses `source` (one JavaScript expression, or statements) and reports its free names. */
export function analyse(source: string): SourceFacts {
  const program = parse(source);
  const declared = declarations(program);
  const free = new Map<string, FreeName & { at: number }>();
  const references: FreeReference[] = [];
  const resolves = (name: string, parents: Node[]): boolean => parents.some((scope) => declared.get(scope)?.has(name));
  const visit: Visit = (node, parents, field) => {
    if (skipBindings(node, visit, parents)) return false;
    if (node.type !== 'Identifier' || node.name === 'arguments') return true;
    const parent = parents[parents.length - 1];
    const name = node.name as string;
    if (!isReference(parent, field) || resolves(name, parents)) return true;
    references.push({ name, end: node.end as number, shorthand: isShorthand(parents, field) });
    const entry = free.get(name) ?? { name, members: new Set<string>(), at: node.start as number };
    free.set(name, entry);
    entry.at = Math.min(entry.at, node.start as number);
    const member = parent?.type === 'MemberExpression' && field === 'object' && !parent.computed ? (parent.property as Node) : undefined;
    if (entry.members && member?.type === 'Identifier') entry.members.add(member.name as string);
    else entry.members = null;
    return true;
  };
  walk(program, visit);
  // The walk follows the parser's field order, which is not always the source's (a switch case's body comes before its test).
  const inOrder = [...free.values()].sort((a, b) => a.at - b.at).map(({ name, members }) => ({ name, members }));
  references.sort((a, b) => a.end - b.end);
  return { free: inOrder, references, privateMembers: privateMembersOf(program) };
}

/** Whether the identifier reached as `field` of the last of `parents` is also a shorthand property's key. */
function isShorthand(parents: Node[], field: string): boolean {
  const parent = parents[parents.length - 1];
  if (parent?.type === 'Property') return parent.shorthand === true && field === 'value';
  const grand = parents[parents.length - 2];
  return parent?.type === 'AssignmentPattern' && field === 'left' && grand?.type === 'Property' && grand.shorthand === true;
}

function privateMembersOf(program: Node): string[] {
  const first = (program.body as Node[])[0];
  const expression = first?.type === 'ExpressionStatement' ? (first.expression as Node) : undefined;
  if (expression?.type !== 'ClassExpression') return [];
  return ((expression.body as Node).body as Node[])
    .filter((m) => (m.key as Node | undefined)?.type === 'PrivateIdentifier' && !m.static)
    .map((m) => (m.key as Node).name as string);
}

/** True when `source` parses without syntax errors. */
export function parses(source: string): boolean {
  try {
    parse(source);
    return true;
  } catch {
    return false;
  }
}
