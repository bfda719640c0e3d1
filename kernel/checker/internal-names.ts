/**
 * The names Loom makes up in the notebook's program, all in one place because
 * the readers below must match the writers: the aliases a cell's imports are
 * bound to, the names a later cell's declarations push aside, and the cells'
 * virtual files (see notebook-cells.ts). Completion hides every name with the
 * prefix; inspection turns them back into the names the user wrote.
 */

/** Names starting with this are ours; completion hides them. */
export const INTERNAL_PREFIX = '__loom_';

/** The internal name the `binding`th import of cell `cell` is bound to, in its companion module. */
export function importAlias(cell: number, binding: number, local: string): string {
  return `${INTERNAL_PREFIX}i${cell}_${binding}_${local}`;
}

/** The name a declaration of cell `cell` is renamed to once a later cell owns `name`. */
export function shadowedName(cell: number, name: string): string {
  return `${INTERNAL_PREFIX}shadowed${cell}_${name}`;
}

/** The script file of one cell. */
export function scriptFileName(cell: number): string {
  return `${INTERNAL_PREFIX}cell_${cell}__.ts`;
}

/** The companion module of one cell, holding its imports. */
export function importsFileName(cell: number): string {
  return `${INTERNAL_PREFIX}cell_${cell}_imports__.ts`;
}

/** The file of the scripts of a chunk of cells (notebook-cells.ts). */
export function chunkFileName(chunk: number): string {
  return `${INTERNAL_PREFIX}cells_${chunk}__.ts`;
}

/** The script file of one cell, or of a chunk of cells: inspection shows declarations found in these. */
export const CELL_SCRIPT = /__loom_cells?_\d+__\.ts$/;

/** Text from the compiler with our internal names turned back into the names the user wrote. */
export function userNames(text: string): string {
  return text
    .replace(/^import (\S+) = __loom_i\d+_\d+_\1$/gm, '')
    .replace(/__loom_(?:i\d+_\d+|shadowed\d+)_/g, '')
    .trim();
}
