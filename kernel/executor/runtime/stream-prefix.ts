/** `{"type":"stream","parent":...,"name":...,"text":` for one cell and stream: a stream frame's JSON up to its text. */
export function streamPrefix(parent: string, name: 'stdout' | 'stderr'): string {
  return JSON.stringify({ type: 'stream', parent, name, text: '' }).slice(0, -3);
}

/** Keys under which the executor hands its output buffer and running cell to the threads that cells start. */
export const OUTPUT_BUFFER_KEY = 'loom:output-buffer';
export const CELL_KEY = 'loom:cell';
