/**
 * A kernel started with its log (stderr) captured line by line, at the most
 * verbose setting (LOOM_DEBUG=1), so tests can count what it logged.
 */
import type { Readable } from 'node:stream';
import { KernelClient, type StartOptions } from '../../../kernel/client/client.js';

export class KernelLog {
  readonly lines: string[] = [];
  private partial = '';
  private readonly waiters = new Set<() => void>();

  constructor(stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop()!;
      this.lines.push(...parts);
      for (const wake of this.waiters) wake();
    });
  }

  /** Everything logged so far, as one text (to search for a secret). */
  get text(): string {
    return `${this.lines.join('\n')}\n${this.partial}`;
  }

  /** Resolves with the index of the first line at or after `from` that matches; rejects after the deadline. */
  waitFor(match: RegExp, from = 0, timeoutMs = 60_000): Promise<number> {
    return new Promise((resolve, reject) => {
      let searched = from;
      const check = () => {
        for (; searched < this.lines.length; searched++) {
          if (match.test(this.lines[searched])) {
            done();
            resolve(searched);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`the kernel did not log ${match} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}

export interface LoggedKernel {
  kernel: KernelClient;
  log: KernelLog;
}

/** Starts Loom's kernel with LOOM_DEBUG=1 and its stderr captured. */
export async function startLoggedKernel(options: Omit<StartOptions, 'stderr'> = {}): Promise<LoggedKernel> {
  const env = { ...(options.env ?? process.env), LOOM_DEBUG: '1' };
  const kernel = await KernelClient.start({ ...options, env, stderr: 'pipe' });
  // The stream has held what was written during start-up; from here it is read as it comes.
  return { kernel, log: new KernelLog(kernel.process!.stderr!) };
}
