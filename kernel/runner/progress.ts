/** The lines `loom run` prints while it works, one per notebook and per cell. */
import type { CellFailure, CellProgress } from './execute-notebook.js';

export function seconds(value: number): string {
  return `${value.toFixed(1)} s`;
}

/** `[13.2-threads] cell 3/12 ok (0.4 s)` */
export function cellLine(name: string, progress: CellProgress): string {
  const time = progress.status === 'skipped' ? '' : ` (${seconds(progress.seconds)})`;
  return `[${name}] cell ${progress.number}/${progress.of} ${progress.status}${time}`;
}

/** `notebooks/13.2-threads.ipynb, cell 3/12: RangeError: too far`, then the traceback, indented. */
export function failureReport(file: string, failure: CellFailure): string {
  const head = `${file}, cell ${failure.number}/${failure.of} ${failure.status}: ${failure.message}`;
  // The traceback's first line usually repeats the message.
  const traceback = failure.traceback.join('\n').split('\n').filter((line) => line !== '' && line !== failure.message);
  return [head, ...traceback.map((line) => `    ${line}`)].join('\n');
}
