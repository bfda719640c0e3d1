/**
 * DAP's variablesReference numbers for the remote objects a client may
 * expand (scopes, objects, Map entries). They are valid while the thread stays
 * paused, as DAP says; resuming forgets them all, and releases V8's handles.
 */
export interface Handle {
  objectId: string;
  /** Only these names are shown (the global object: the notebook's own declarations). */
  only?: ReadonlySet<string>;
}

export class Handles {
  private readonly table = new Map<number, Handle>();
  private next = 1;

  add(handle: Handle): number {
    const reference = this.next++;
    this.table.set(reference, handle);
    return reference;
  }

  get(reference: number): Handle | undefined {
    return this.table.get(reference);
  }

  clear(): void {
    this.table.clear();
  }
}
