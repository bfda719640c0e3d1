/**
 * Stacks as a reader wants them, in the worker where the error was thrown:
 * frames of shipped code point where that code came from (`at risky (cell 1,
 * line 3)`, `at risky (/path/script.js:9:15)`) instead of `loom-ship-7:6:15`,
 * and loom's own frames and Node's internals are left out, unless the debug
 * setting (LOOM_FULL_TRACEBACK, loom-files.ts) asks for every frame.
 */
import { isLoomFrame, showsFullTraceback } from './loom-files.js';
import { locateRevived } from './ship/revived.js';

const SHIPPED = /\b(loom-ship-\d+):(\d+):(\d+)/;

/** One line of a stack: a shipped frame mapped, other lines as they are. */
function mapLine(line: string): string {
  const match = SHIPPED.exec(line);
  if (match === null) return line;
  const where = locateRevived(match[1]!, Number(match[2]), Number(match[3]));
  return where === undefined ? line : line.replace(match[0], where);
}

/**
 * A stack, or any text holding one (what util.inspect makes of an error, with
 * its causes): frames mapped, loom's left out. A frame that opens the error's
 * own fields (`at f (…) {`) hands its brace to the frame kept before it.
 */
export function readableStack(text: string): string {
  const full = showsFullTraceback();
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    if (full || !/^\s+at /.test(line) || !isLoomFrame(line)) kept.push(mapLine(line));
    else if (line.endsWith(' {') && kept.length > 0) kept[kept.length - 1] += ' {';
  }
  return kept.join('\n');
}
