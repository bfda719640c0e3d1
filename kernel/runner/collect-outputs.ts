/**
 * Turns a cell's iopub messages into nbformat outputs the way Jupyter's
 * nbclient does: consecutive stream text of one name is merged, a display
 * with a display_id is remembered so that later updates (from any cell)
 * replace its data wherever it is shown, and clear_output either clears now
 * or, with `wait`, just before the cell's next output.
 */
import { joinText, type CodeCell, type JsonObject, type Output } from '../jupyter/nbformat.js';
import type { MimeBundle } from '../jupyter/output.js';

/** The part of a Jupyter message this needs; the client's Message fits it. */
export interface IopubMessage {
  header: { msg_type: string };
  content: Record<string, any>;
}

interface Place {
  cell: CodeCell;
  index: number;
}

export class OutputCollector {
  /** display_id -> where outputs with that id are shown. */
  private readonly displays = new Map<string, Place[]>();
  /** Cells whose outputs go when their next output arrives (clear_output with wait). */
  private readonly clearPending = new Set<CodeCell>();

  /** Forget outputs the cell had before it is run again. */
  startCell(cell: CodeCell): void {
    this.clearCell(cell);
  }

  add(cell: CodeCell, message: IopubMessage): void {
    const { msg_type: type } = message.header;
    const content = message.content;
    switch (type) {
      case 'stream':
        this.append(cell, { output_type: 'stream', name: String(content.name), text: String(content.text ?? '') });
        return;
      case 'display_data':
      case 'update_display_data':
      case 'execute_result': {
        const displayId = content.transient?.display_id;
        const data: MimeBundle = content.data ?? {};
        const metadata: JsonObject = content.metadata ?? {};
        if (typeof displayId === 'string') this.updateDisplay(displayId, data, metadata);
        if (type === 'update_display_data') return;
        const output: Output = type === 'execute_result'
          ? { output_type: 'execute_result', execution_count: content.execution_count ?? null, data, metadata }
          : { output_type: 'display_data', data, metadata };
        const index = this.append(cell, output);
        if (typeof displayId === 'string') this.remember(displayId, { cell, index });
        return;
      }
      case 'error':
        this.append(cell, {
          output_type: 'error',
          ename: String(content.ename),
          evalue: String(content.evalue),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        });
        return;
      case 'clear_output':
        if (content.wait) this.clearPending.add(cell);
        else this.clearCell(cell);
        return;
      default:
        return; // status, execute_input, comm messages: not outputs
    }
  }

  /** The stdin text the user "typed", kept like JupyterLab keeps it: a stream of its own. */
  addInput(cell: CodeCell, prompt: string, answer: string, password: boolean): void {
    this.append(cell, { output_type: 'stream', name: 'stdin', text: `${prompt}${password ? '········' : answer}\n` });
  }

  /** Appends the output (merging stream text) and returns its index in the cell. */
  private append(cell: CodeCell, output: Output): number {
    if (this.clearPending.delete(cell)) this.clearCell(cell);
    const last = cell.outputs.at(-1);
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      last.text = joinText(last.text) + joinText(output.text);
      return cell.outputs.length - 1;
    }
    cell.outputs.push(output);
    return cell.outputs.length - 1;
  }

  private updateDisplay(displayId: string, data: MimeBundle, metadata: JsonObject): void {
    for (const { cell, index } of this.displays.get(displayId) ?? []) {
      const output = cell.outputs[index];
      if (output?.output_type === 'display_data' || output?.output_type === 'execute_result') {
        output.data = data;
        output.metadata = metadata;
      }
    }
  }

  private remember(displayId: string, place: Place): void {
    const places = this.displays.get(displayId) ?? [];
    places.push(place);
    this.displays.set(displayId, places);
  }

  private clearCell(cell: CodeCell): void {
    cell.outputs = [];
    this.clearPending.delete(cell);
    for (const [id, places] of this.displays) this.displays.set(id, places.filter((place) => place.cell !== cell));
  }
}
