/**
 * DAP's variablesReference numbers for the remote objects a client may
 * expand (scopes, objects, Map entries). They are valid while the thread stays
 * paused, as DAP says; resuming forgets them all, and releases V8's handles.
 */
import type { Cdp } from './cdp.js';

export interface Handle {
  objectId: string;
  /** The session of the thread the object lives in. */
  cdp: Cdp;
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
