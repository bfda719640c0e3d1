/**
 * Stacks as a reader wants them, in the worker where the error was thrown:
 * frames of shipped code point where that code came from (`at risky (cell 1,
 * line 3)`, `at risky (/path/script.js:9:15)`) instead of `loom-ship-7:6:15`,
 * and loom's own frames and Node's internals are left out, unless the debug
 * setting (LOOM_FULL_TRACEBACK, loom-files.ts) asks for every frame.
 */
import { isLoomFrame, showsFullTraceback } from './loom-files.js';
import { mapShippedFrame } from './ship/revived.js';

/**
 * A stack, or any text holding one (what util.inspect makes of an error, with
 * its causes): frames mapped, loom's left out. A frame that opens the error's
 * own fields (`at f (…) {`) hands its brace to the frame kept before it.
 */
export function readableStack(text: string): string {
  const full = showsFullTraceback();
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    if (full || !/^\s+at /.test(line) || !isLoomFrame(line)) kept.push(mapShippedFrame(line));
    else if (line.endsWith(' {') && kept.length > 0) kept[kept.length - 1] += ' {';
  }
  return kept.join('\n');
}
