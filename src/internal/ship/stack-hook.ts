/**
 * In a thread or process that runs shipped code, the `stack` of every error
 * made there names where the code came from (`at risky (cell 1, line 3)`)
 * rather than `loom-ship-7:6:15`, so an error the user's code prints itself
 * (`console.error(error)` in a Thread target) reads like the ones loom
 * reports (stack-frames.ts maps those on the way out too; a frame mapped
 * here no longer matches there).
 *
 * V8 asks Error.prepareStackTrace for the text of a stack. Node 20 puts its
 * own formatter there (the one that applies source maps when they are on);
 * this wraps whatever is there and maps the shipped frames of its text, and
 * writes the aliases of names in the message as those names (aliases.ts).
 */
import { mapShippedFrame, withoutAliases } from './revived.js';

type Format = (error: unknown, sites: NodeJS.CallSite[]) => unknown;

let installed = false;

/** From now on, this thread's stacks have their shipped frames mapped; once per thread. */
export function mapStacksHere(): void {
  if (installed) return;
  installed = true;
  const previous = Error.prepareStackTrace as Format | undefined;
  const format = previous ?? defaultFormat;
  Error.prepareStackTrace = (error, sites) => {
    const text = format(error, sites);
    return typeof text === 'string' && text.includes('loom-ship-') ? withoutAliases(text.split('\n').map(mapShippedFrame).join('\n')) : text;
  };
}

/** V8's own text, for a Node that leaves Error.prepareStackTrace unset. */
function defaultFormat(error: unknown, sites: NodeJS.CallSite[]): string {
  let header: string;
  try {
    header = Error.prototype.toString.call(error);
  } catch {
    header = 'Error';
  }
  return [header, ...sites.map((site) => `    at ${String(site)}`)].join('\n');
}
