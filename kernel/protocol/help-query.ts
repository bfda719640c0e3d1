/**
 * IPython's `name?` (and `?name`) in TypeScript cells: shows the type and
 * documentation of an expression in the frontend's pager, without running
 * anything. Neither form is valid TypeScript, so no real cell is taken for one.
 */
const HELP = /^\s*\?\s*([\p{L}\p{N}_$.[\]'"]+)\s*$|^\s*([\p{L}\p{N}_$.[\]'"]+)\s*\?\s*$/u;

/** The expression asked about, or undefined when the cell is not a help query. */
export function helpQuery(code: string): string | undefined {
  const match = HELP.exec(code);
  return match ? (match[1] ?? match[2]) : undefined;
}
