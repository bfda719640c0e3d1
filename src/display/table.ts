/**
 * `table(rows)`: rows of objects as a table that shows as HTML in a notebook
 * (and in its exported page) and as aligned text in a console or a script.
 */
import { inspect } from 'node:util';
import { typeError, valueError } from '../internal/validate.js';
import { escapeHtml, JUPYTER_DISPLAY, type MimeBundle } from './html.js';

export interface TableOptions {
  /**
   * The columns to show, in order; a row without one of them has an empty cell there.
   * @default every key of the rows, in the order they first appear
   */
  columns?: string[];
  /** A title shown above the table. @default none */
  caption?: string;
  /**
   * Decimal places for the numbers of a column that holds a number with a
   * fraction (the whole column gets them, so decimal points line up); columns
   * of whole numbers show them as they are.
   * @default 3
   */
  digits?: number;
}

/** One formatted cell: its text, and whether it is a number (right-aligned). */
interface Cell {
  text: string;
  numeric: boolean;
}

/** Rows of objects as a table. `console.log(t)` and `String(t)` give the text form; a notebook shows the HTML. */
export class Table {
  /** The columns shown, in order. */
  readonly columns: readonly string[];
  /** The title above the table, if any. */
  readonly caption: string | undefined;
  readonly #cells: Cell[][];

  /** @internal Use table(). */
  constructor(rows: readonly object[], options: TableOptions = {}) {
    const { columns, caption, digits } = checkOptions(options);
    this.columns = columns ?? keysOf(rows);
    this.caption = caption;
    const fractional = this.columns.map((column) => rows.some((row) => isFraction((row as Record<string, unknown>)[column])));
    this.#cells = rows.map((row) => this.columns.map((column, i) => formatCell((row as Record<string, unknown>)[column], fractional[i] ? digits : undefined)));
  }

  /** Number of rows. */
  get length(): number {
    return this.#cells.length;
  }

  /** A column is right-aligned when every value in it is a number. */
  #numericColumn(i: number): boolean {
    const filled = this.#cells.filter((row) => row[i].text !== '');
    return filled.length > 0 && filled.every((row) => row[i].numeric);
  }

  /** The table as an HTML `<table>` with inline styles, so it looks the same in JupyterLab and in exported pages. */
  toHtml(): string {
    const align = (right: boolean) => `text-align:${right ? 'right' : 'left'}`;
    const head = this.columns.map((column, i) => `<th style="${TH};${align(this.#numericColumn(i))}">${escapeHtml(column)}</th>`).join('');
    const body = this.#cells.length === 0
      ? `<tr><td colspan="${Math.max(this.columns.length, 1)}" style="${TD};color:#6b7280;font-style:italic">no rows</td></tr>`
      : this.#cells.map((row) => `<tr>${row.map((cell) => `<td style="${TD};${align(cell.numeric)}">${escapeHtml(cell.text)}</td>`).join('')}</tr>`).join('\n');
    const caption = this.caption === undefined ? '' : `<caption style="${CAPTION}">${escapeHtml(this.caption)}</caption>`;
    return `<table style="${TABLE}">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
  }

  /** The table as aligned text: a header, a rule, then one line per row. */
  toString(): string {
    const texts = this.#cells.map((row) => row.map((cell) => oneLine(cell.text)));
    const widths = this.columns.map((column, i) => Math.max(width(column), ...texts.map((row) => width(row[i]))));
    const line = (row: string[], right: boolean[]) => row.map((text, i) => pad(text, widths[i], right[i])).join('  ').trimEnd();
    const numeric = this.columns.map((_, i) => this.#numericColumn(i));
    const lines = [
      ...(this.caption === undefined ? [] : [this.caption]),
      line(this.columns.map(oneLine), numeric),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...texts.map((row, r) => line(row, this.#cells[r].map((cell) => cell.numeric))),
      ...(this.#cells.length === 0 ? ['(no rows)'] : []),
    ];
    return lines.join('\n');
  }

  /** What the loom kernel shows: the HTML table, and the text for consoles. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return { 'text/html': this.toHtml(), 'text/plain': this.toString() };
  }

  /** `console.log(table)` prints the text form. */
  [inspect.custom](): string {
    return this.toString();
  }
}

const TABLE = 'border-collapse:collapse;font:13px/1.45 system-ui,sans-serif;font-variant-numeric:tabular-nums;margin:.25em 0';
const CAPTION = 'caption-side:top;text-align:left;font-weight:600;padding:0 0 .35em';
const TH = 'padding:.3em .8em;border:none;border-bottom:2px solid #9ca3af;background:transparent;font-weight:600;white-space:nowrap';
const TD = 'padding:.25em .8em;border:none;border-bottom:1px solid #e5e7eb';

/**
 * Rows of objects as a table, Python's `pandas.DataFrame(rows)` shown in a
 * notebook. Numbers are right-aligned; a column with fractions shows `digits`
 * decimal places; everything is escaped.
 *
 * @example
 * table([{ workers: 1, seconds: 3.41 }, { workers: 2, seconds: 1.78 }], { caption: 'Pool.map' })
 */
export function table(rows: readonly object[], options?: TableOptions): Table {
  if (!Array.isArray(rows)) throw typeError('rows', 'an array of objects', rows);
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object') throw typeError(`rows[${i}]`, 'an object', row);
  });
  if (options !== undefined && (options === null || typeof options !== 'object')) throw typeError('options', 'an options object', options);
  return new Table(rows, options);
}

function checkOptions(options: TableOptions): { columns?: string[]; caption?: string; digits: number } {
  const { columns, caption, digits = 3 } = options;
  if (columns !== undefined && (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string'))) throw typeError('columns', 'an array of strings', columns);
  if (caption !== undefined && typeof caption !== 'string') throw typeError('caption', 'a string', caption);
  if (typeof digits !== 'number' || !Number.isInteger(digits)) throw typeError('digits', 'a whole number', digits);
  if (digits < 0 || digits > 20) throw valueError('digits', 'between 0 and 20', digits);
  return { columns: columns && [...columns], caption, digits };
}

/** Every own enumerable key of the rows, in the order they first appear. */
function keysOf(rows: readonly object[]): string[] {
  const keys = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) keys.add(key);
  return [...keys];
}

function isFraction(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value);
}

function formatCell(value: unknown, digits: number | undefined): Cell {
  if (typeof value === 'number') {
    const text = digits !== undefined && Number.isFinite(value) ? value.toFixed(digits) : Object.is(value, -0) ? '0' : String(value);
    return { text, numeric: true };
  }
  if (typeof value === 'bigint') return { text: String(value), numeric: true };
  if (value === undefined || value === null) return { text: '', numeric: false };
  if (typeof value === 'string') return { text: value, numeric: false };
  if (value instanceof Date) return { text: Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString(), numeric: false };
  return { text: inspect(value, { breakLength: Infinity, depth: 2, colors: false }), numeric: false };
}

/** A line break inside a cell would break the text table's columns. */
function oneLine(text: string): string {
  return text.replace(/\r?\n|\r/g, '↵').replace(/\t/g, ' ');
}

/** Columns counted in code points, so accented letters and most symbols line up. */
function width(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function pad(text: string, to: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(to - width(text), 0));
  return right ? fill + text : text + fill;
}
