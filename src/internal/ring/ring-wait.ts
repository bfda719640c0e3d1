/**
 * Waiting for a queue to hold an item without taking it: the pools wait this
 * way for results (then drain them all), the process hub for items a remote
 * getter asked for. The waiter registers under the queue's lock, as the
 * queue's own getters do, so a put never misses waking it.
 */
import { lockSync, unlock } from '../futex.js';
import { H } from './layout.js';
import type { QueueCore } from './queue-core.js';

/** Atomics.waitAsync (V8) is not in the ES2023 lib this project compiles against. */
type WaitAsync = (cells: Int32Array, index: number, value: number, ms: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

function register(h: Int32Array): number | undefined {
  lockSync(h, H.LOCK);
  if (h[H.COUNT] > 0 || h[H.SHUTDOWN]) {
    unlock(h, H.LOCK);
    return undefined;
  }
  h[H.NOT_EMPTY_WAITERS]++;
  const seen = h[H.NOT_EMPTY_SEQ];
  unlock(h, H.LOCK);
  return seen;
}

function unregister(h: Int32Array): void {
  lockSync(h, H.LOCK);
  h[H.NOT_EMPTY_WAITERS]--;
  unlock(h, H.LOCK);
}

/** Blocks this thread until the queue holds an item (or is shut down) or `ms` pass. */
export function sleepUntilNotEmpty(core: QueueCore, ms: number): void {
  const h = core.h;
  const seen = register(h);
  if (seen === undefined) return;
  Atomics.wait(h, H.NOT_EMPTY_SEQ, seen, ms);
  unregister(h);
}

/** Resolves once the queue holds an item (or is shut down) or `ms` pass. Does not keep the process alive by itself. */
export async function whenNotEmpty(core: QueueCore, ms: number): Promise<void> {
  const h = core.h;
  const seen = register(h);
  if (seen === undefined) return;
  try {
    const waited = waitAsync(h, H.NOT_EMPTY_SEQ, seen, ms);
    if (waited.async) await waited.value;
  } finally {
    unregister(h);
  }
}
