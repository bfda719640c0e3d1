/**
 * The parts of nbformat 4 that the runner and the HTML export use. Text that
 * Jupyter may store as a list of lines (source, stream text, text/* data) is
 * typed as MultilineString and joined with `joinText` before use.
 */
import type { ErrorContent, MimeBundle } from './output.js';

export type MultilineString = string | string[];
export type JsonObject = Record<string, unknown>;

export interface StreamOutput {
  output_type: 'stream';
  /** A StreamName, or 'stdin' for the answers a run typed; a file read from disk is not checked. */
  name: string;
  text: MultilineString;
}

export interface DisplayDataOutput {
  output_type: 'display_data';
  data: MimeBundle;
  metadata: JsonObject;
}

export interface ExecuteResultOutput {
  output_type: 'execute_result';
  execution_count: number | null;
  data: MimeBundle;
  metadata: JsonObject;
}

export interface ErrorOutput extends ErrorContent {
  output_type: 'error';
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: 'code';
  id?: string;
  metadata: JsonObject;
  source: MultilineString;
  outputs: Output[];
  execution_count: number | null;
}

export interface MarkdownCell {
  cell_type: 'markdown';
  id?: string;
  metadata: JsonObject;
  source: MultilineString;
  attachments?: Record<string, MimeBundle>;
}

export interface RawCell {
  cell_type: 'raw';
  id?: string;
  metadata: JsonObject;
  source: MultilineString;
  attachments?: Record<string, MimeBundle>;
}

export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: Cell[];
}

/** Jupyter stores long text as a list of lines; both forms mean the joined string. */
export function joinText(text: unknown): string {
  if (Array.isArray(text)) return text.join('');
  return typeof text === 'string' ? text : '';
}

/** The cell's tags (metadata.tags), e.g. `raises-exception` or `skip-execution`. */
export function cellTags(cell: Cell): string[] {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
}
