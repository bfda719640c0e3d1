import type { CellRecord, CellStore } from './context.js';

/** Keep this many cells: enough for threads that outlive their cell by many cells. */
const LIMIT = 10_000;

/**
 * Every execute_request by msg_id, so output that arrives later (from a timer,
 * a thread or a pool task) is parented to the cell that started it, never to
 * "the last cell".
 */
export class Cells implements CellStore {
  private readonly byId = new Map<string, CellRecord>();
  private lastId: string | undefined;

  add(record: CellRecord): void {
    const id = record.request.header.msg_id;
    this.byId.set(id, record);
    this.lastId = id;
    if (this.byId.size > LIMIT) this.byId.delete(this.byId.keys().next().value!);
  }

  get(msgId: string): CellRecord | undefined {
    return this.byId.get(msgId);
  }

  /** The newest cell: only for text that no cell can be named for (a native crash message). */
  last(): CellRecord | undefined {
    return this.lastId === undefined ? undefined : this.byId.get(this.lastId);
  }
}
