/**
 * Stopping the work that one piece of code started, when that code is
 * interrupted. Work is named by its output tag (outputHooks.outputTag: in the
 * kernel, the cell), which every Process and pool task records as it starts.
 * The library does not know what an interrupt is; a host (the kernel, on
 * SIGINT) calls interruptWork(tag), and every live pool and Process of every
 * thread of this process (interrupt-broadcast.ts tells the others; the hubs
 * stop their child processes themselves) that holds work with that tag stops it:
 * - pools (and executors) cancel that tag's queued tasks and replace the
 *   workers running its tasks (their results reject with Interrupted);
 * - a Process started with that tag is terminated (SIGTERM), as terminate().
 * Threads are left running, as Python leaves them: a thread stopped mid-way
 * could hold a Lock for ever.
 */
import { announceInterrupt, hearInterrupts } from './interrupt-broadcast.js';

/** Something that holds tagged work: a pool's engine, a started Process. */
export interface Interruptible {
  /** Stops the work tagged `tag`; must not throw, must not block for long. */
  interruptWork(tag: string): void;
}

const live = new Set<Interruptible>();

/** From now until `forget`, `holder` hears of interrupts, this thread's and other threads'. Returns the forget function. */
export function watchInterrupts(holder: Interruptible): () => void {
  if (live.size === 0) hearInterrupts(interruptHere);
  live.add(holder);
  return () => live.delete(holder);
}

/**
 * Stops the pool tasks and processes whose output tag is `tag`, in every
 * thread of this process (see the module comment). For hosts: the kernel
 * calls it when a cell is interrupted, with the cell's tag.
 */
export function interruptWork(tag: string): void {
  interruptHere(tag);
  announceInterrupt(tag);
}

/** Stops this thread's work tagged `tag`. */
function interruptHere(tag: string): void {
  for (const holder of [...live]) {
    try {
      holder.interruptWork(tag);
    } catch (error) {
      // One pool failing to stop must not keep the others running.
      process.emitWarning(`loom: stopping interrupted work failed: ${(error as Error)?.message ?? String(error)}`);
    }
  }
}
