/**
 * What an output carries, in the words both the messaging protocol (iopub
 * content, the executor's frames) and nbformat (a saved cell's outputs) use,
 * so the executor, the protocol, the runner and the export share one
 * definition of each.
 */

/**
 * mime type -> data: text (nbformat may store it as a list of lines) or, for
 * JSON types, any JSON value. Wider than loom/display's MimeBundle, which is
 * what loom's own objects return (text only); the kernel also takes bytes
 * (sent as base64) and JSON from a cell's display methods.
 */
export type MimeBundle = Record<string, unknown>;

/** An error as Jupyter shows it: the error output, and execute_reply's error fields. */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** The two streams a cell writes to. */
export type StreamName = 'stdout' | 'stderr';
