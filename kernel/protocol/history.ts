import type { HistoryRequest } from './messages.js';

/** One entry as the protocol returns it: [session, line number, source]. */
export type HistoryEntry = [number, number, string];

/** The session number Loom reports; history is kept for the kernel's lifetime only. */
const SESSION = 1;

/** Cells executed with store_history, answering tail, range and search requests. */
export class History {
  private readonly entries: HistoryEntry[] = [];

  add(executionCount: number, source: string): void {
    this.entries.push([SESSION, executionCount, source]);
  }

  query(request: HistoryRequest): HistoryEntry[] {
    switch (request.hist_access_type) {
      case 'tail':
        return this.tail(request.n ?? 10);
      case 'range':
        return this.range(request.session ?? 0, request.start ?? 0, request.stop);
      case 'search':
        return this.search(request.pattern ?? '*', request.unique ?? false, request.n);
      default:
        throw new TypeError(`hist_access_type must be "tail", "range" or "search", got ${JSON.stringify(request.hist_access_type)}`);
    }
  }

  private tail(n: number): HistoryEntry[] {
    return n > 0 ? this.entries.slice(-n) : [];
  }

  /** Session 0 (or a negative offset reaching this one) means the current session. */
  private range(session: number, start: number, stop: number | undefined): HistoryEntry[] {
    if (session !== 0 && session !== SESSION && session !== -0) return [];
    return this.entries.filter(([, line]) => line >= start && (stop === undefined || stop === null || line < stop));
  }

  /** Glob search as IPython does it: `*` and `?` wildcards, newest last, optionally unique. */
  private search(pattern: string, unique: boolean, n: number | undefined): HistoryEntry[] {
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]')}$`);
    let found = this.entries.filter(([, , source]) => regex.test(source));
    if (unique) {
      const seen = new Set<string>();
      found = found.reverse().filter(([, , source]) => !seen.has(source) && seen.add(source)).reverse();
    }
    return n !== undefined && n !== null && n > 0 ? found.slice(-n) : found;
  }
}
