/**
 * One algorithm, two ways to block. Every blocking primitive writes its logic
 * once as a generator that yields "wait while cells[index] === value, at most
 * ms"; `runSync` blocks the thread with Atomics.wait (never needs an event
 * loop), `runAsync` awaits Atomics.waitAsync. After each wake the generator
 * re-checks its state and deadline, so spurious wakes are harmless.
 */

/** Block while `cells[index] === value`, for at most `ms` milliseconds (Infinity: no limit). */
export interface WaitStep {
  cells: Int32Array;
  index: number;
  value: number;
  ms: number;
}

/** A blocking algorithm: yields the waits it needs, returns its result. */
export type Waiting<T> = Generator<WaitStep, T, void>;

export function runSync<T>(steps: Waiting<T>): T {
  let step = steps.next();
  while (!step.done) {
    const { cells, index, value, ms } = step.value;
    Atomics.wait(cells, index, value, ms);
    step = steps.next();
  }
  return step.value;
}

/** Atomics.waitAsync (Node 16+, V8) is missing from the ES2023 lib this project compiles against. */
interface WaitAsync {
  waitAsync(cells: Int32Array, index: number, value: number, ms: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

export async function runAsync<T>(steps: Waiting<T>): Promise<T> {
  let step = steps.next();
  if (step.done) return step.value;
  // A pending Atomics.waitAsync does not keep Node alive (checked on Node 20):
  // without this, `await q.get()` in a script would let the process exit mid-wait.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  try {
    while (!step.done) {
      const { cells, index, value, ms } = step.value;
      const waited = (Atomics as unknown as WaitAsync).waitAsync(cells, index, value, ms);
      if (waited.async) await waited.value;
      step = steps.next();
    }
    return step.value;
  } finally {
    clearInterval(keepAlive);
  }
}

/** The absolute time (performance.now() ms) at which a wait of `ms` ends. */
export function deadlineAfter(ms: number): number {
  return ms === Infinity ? Infinity : performance.now() + ms;
}

/** Milliseconds left until `deadline`, never negative. */
export function remaining(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}
