/** Measuring helpers for bench/kernel.ts: each works on a started KernelClient. */
import { performance } from 'node:perf_hooks';
import type { KernelClient, Message } from '../../kernel/client/client.js';

export interface Stream {
  seconds: number;
  /** Newlines seen in stdout stream messages between busy and idle. */
  lines: number;
  /** False when the cell did not finish (reply and idle) within the cap. */
  idle: boolean;
}

/** Seconds for one execute (reply and idle); throws if it fails or takes over limitSeconds. */
export async function timeCell(client: KernelClient, code: string, limitSeconds = 30): Promise<number> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  // execute() has no deadline for idle once the reply is in: a kernel that loses one would hang the run.
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${code} did not finish (reply and idle) within ${limitSeconds} s`)), limitSeconds * 1000);
  });
  try {
    const { reply } = await Promise.race([client.execute(code), limit]);
    if (reply.content.status !== 'ok') throw new Error(`${code} failed: ${reply.content.ename}: ${reply.content.evalue}`);
    return (performance.now() - t0) / 1000;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Milliseconds per execute round trip, after `warmup` unmeasured ones. A
 * cell that fails or hangs ends the series: the times so far come back with it.
 */
export async function roundTrips(client: KernelClient, code: string, count: number, warmup = 5): Promise<{ ms: number[]; problem?: string }> {
  const ms: number[] = [];
  try {
    for (let i = 0; i < warmup; i++) await timeCell(client, code);
    for (let i = 0; i < count; i++) ms.push((await timeCell(client, code)) * 1000);
    return { ms };
  } catch (error) {
    return { ms, problem: `round trip ${ms.length + 1} of ${count}: ${(error as Error).message}` };
  }
}

/** Runs one cell that prints a lot, counting delivered lines; gives up after capSeconds. */
export async function stream(client: KernelClient, code: string, capSeconds: number): Promise<Stream> {
  let lines = 0;
  const count = (message: Message): void => {
    if (message.header.msg_type === 'stream' && message.content.name === 'stdout') {
      for (const ch of String(message.content.text)) if (ch === '\n') lines++;
    }
  };
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const capped = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), capSeconds * 1000)));
  // execute() resolves only once reply and idle are both in; the cap covers a kernel that never gets there.
  const finished = client.execute(code, { onOutput: count, timeoutMs: (capSeconds + 10) * 1000 }).then(() => true, () => false);
  const idle = await Promise.race([finished, capped]);
  clearTimeout(timer);
  return { seconds: (performance.now() - t0) / 1000, lines, idle };
}

/** The p-th percentile (nearest rank) of the values. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))];
}
