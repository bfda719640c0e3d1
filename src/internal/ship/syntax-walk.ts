/**
 * A walk over an ESTree syntax tree (what acorn returns) that needs no table
 * of node kinds: a node's children are its fields that hold nodes, visited in
 * the order the parser set them, which is the order of the source.
 */

/** An ESTree node, read loosely: its `type` and whatever fields that type has. */
export interface Node {
  type: string;
  [field: string]: unknown;
}

/**
 * Called for every node with its ancestors (outermost first) and the field of
 * its parent that holds it; returning false skips the node's children.
 */
export type Visit = (node: Node, parents: Node[], field: string) => boolean | void;

const NOT_CHILDREN = new Set(['type', 'start', 'end', 'loc', 'range']);

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
}

export function walk(node: Node, visit: Visit, parents: Node[] = [], field = ''): void {
  if (visit(node, parents, field) === false) return;
  parents.push(node);
  for (const key of Object.keys(node)) {
    if (NOT_CHILDREN.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) walk(item, visit, parents, key);
    } else if (isNode(value)) walk(value, visit, parents, key);
  }
  parents.pop();
}
