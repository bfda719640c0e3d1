import type { HistoryStore } from './context.js';
import type { HistoryRequest } from './messages.js';
import type { HistoryEntry } from './replies.js';

interface Stored {
  line: number;
  source: string;
  /** The cell's execute_result as text/plain, like IPython's Out[n]. */
  output: string | null;
}

/** The session number Loom reports; history is kept for the kernel's lifetime only. */
const SESSION = 1;

/** Cells executed with store_history, answering tail, range and search requests. */
export class History implements HistoryStore {
  private readonly entries: Stored[] = [];

  add(executionCount: number, source: string): void {
    this.entries.push({ line: executionCount, source, output: null });
  }

  /** Every cell stored, oldest first: the source of each. */
  sources(): string[] {
    return this.entries.map((entry) => entry.source);
  }

  /** Records the result of cell `executionCount` (the last one stored with that number). */
  setOutput(executionCount: number, output: string): void {
    const entry = this.entries.findLast((e) => e.line === executionCount);
    if (entry) entry.output = output;
  }

  query(request: HistoryRequest): HistoryEntry[] {
    const withOutput = request.output === true;
    return this.select(request).map(({ line, source, output }) => [SESSION, line, withOutput ? [source, output] : source]);
  }

  private select(request: HistoryRequest): Stored[] {
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

  private tail(n: number): Stored[] {
    return n > 0 ? this.entries.slice(-n) : [];
  }

  /** Session 0 (or a negative offset reaching this one) means the current session. */
  private range(session: number, start: number, stop: number | undefined): Stored[] {
    if (session !== 0 && session !== SESSION) return [];
    return this.entries.filter(({ line }) => line >= start && (stop === undefined || stop === null || line < stop));
  }

  /** Glob search as IPython does it: `*` and `?` wildcards, newest last, optionally unique. */
  private search(pattern: string, unique: boolean, n: number | undefined): Stored[] {
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]')}$`);
    let found = this.entries.filter(({ source }) => regex.test(source));
    if (unique) {
      const seen = new Set<string>();
      found = found.reverse().filter(({ source }) => !seen.has(source) && seen.add(source)).reverse();
    }
    return n !== undefined && n !== null && n > 0 ? found.slice(-n) : found;
  }
}
