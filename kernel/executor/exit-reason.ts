/**
 * Why the executor process ended, in words a notebook user can act on.
 *
 * The exit code and signal alone say little: V8 running out of heap ends the
 * process with SIGABRT, exactly like process.abort(). What tells them apart is
 * the line Node writes to stderr just before it dies, so the supervisor keeps
 * the end of the executor's stderr (`StderrTail`) and it is read here.
 */

/** Keeps the last few KiB of a stream: enough for Node's fatal-error report. */
export class StderrTail {
  private text = '';

  constructor(private readonly limit = 16 * 1024) {}

  add(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }

  toString(): string {
    return this.text;
  }
}

/** `FATAL ERROR: ...` (heap limit) or `Fatal JavaScript ...` (a V8 size limit), as Node prints them. */
const FATAL_LINE = /^(?:FATAL ERROR: (.+)|(Fatal JavaScript .+))$/m;
const OUT_OF_MEMORY = /out of memory|allocation failed|invalid size|invalid array length|invalid table size/i;

export function describeExit(code: number | null, signal: NodeJS.Signals | null, stderr = ''): string {
  const fatal = FATAL_LINE.exec(stderr);
  const fatalText = fatal ? (fatal[1] ?? fatal[2]).trim() : undefined;
  if (fatalText !== undefined && OUT_OF_MEMORY.test(fatalText)) return `ran out of memory (${fatalText})`;
  if (fatalText !== undefined) return `stopped on a fatal error (${fatalText})`;
  switch (signal) {
    case null:
      break;
    case 'SIGABRT':
      return 'aborted (SIGABRT: process.abort(), or a crash in native code)';
    case 'SIGKILL':
      return 'was killed by SIGKILL (by another process, or by the system when memory ran out)';
    case 'SIGINT':
      // Node's vm swaps SIGINT handlers as a script starts and ends; a signal in between is fatal.
      return 'was killed by SIGINT (an interrupt that came just as a cell started or ended, where Node cannot catch it)';
    case 'SIGSEGV':
    case 'SIGBUS':
      return `crashed (${signal}: a fault in native code)`;
    default:
      return `was killed by ${signal}`;
  }
  if (code === 134) return 'ran out of memory or aborted (exit code 134)';
  return `exited with code ${code}`;
}
