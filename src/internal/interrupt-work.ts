/**
 * Stopping the work that one piece of code started, when that code is
 * interrupted. Work is named by its output tag (outputHooks.outputTag: in the
 * kernel, the cell), which every Process and pool task records as it starts.
 * The library does not know what an interrupt is; a host (the kernel, on
 * SIGINT) calls interruptWork(tag), and every live pool and Process of this
 * thread that holds work with that tag stops it:
 * - pools (and executors) cancel that tag's queued tasks and replace the
 *   workers running its tasks (their results reject with Interrupted);
 * - a Process started with that tag is terminated (SIGTERM), as terminate().
 * Threads are left running, as Python leaves them: a thread stopped mid-way
 * could hold a Lock for ever.
 */

/** Something that holds tagged work: a pool's engine, a started Process. */
export interface Interruptible {
  /** Stops the work tagged `tag`; must not throw, must not block for long. */
  interruptWork(tag: string): void;
}

const live = new Set<Interruptible>();

/** From now until `forget`, `holder` hears of interrupts. Returns the forget function. */
export function watchInterrupts(holder: Interruptible): () => void {
  live.add(holder);
  return () => live.delete(holder);
}

/**
 * Stops the pool tasks and processes of this thread whose output tag is
 * `tag` (see the module comment). For hosts: the kernel calls it when a cell
 * is interrupted, with the cell's tag.
 */
export function interruptWork(tag: string): void {
  for (const holder of [...live]) {
    try {
      holder.interruptWork(tag);
    } catch (error) {
      // One pool failing to stop must not keep the others running.
      process.emitWarning(`loom: stopping interrupted work failed: ${(error as Error)?.message ?? String(error)}`);
    }
  }
}
