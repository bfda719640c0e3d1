/**
 * glibc malloc settings for the kernel and its executor.
 *
 * Every Thread, ThreadPool worker and executor worker a cell starts is a new
 * V8 isolate with its own Node environment, freed again when it ends; the
 * kernel's type checker thread makes and drops a program per check. glibc
 * raises its mmap threshold each time a large block mapped on its own is
 * freed, so after a while such blocks come from the per-thread arenas
 * instead, and freed arena memory stays with the process. In a soak the
 * executor's large anonymous mappings grew from 9 to 59 MiB (RSS +30% after
 * warm-up over 1,500 cells) and the kernel grew a new 32 MiB arena; with the
 * threshold fixed at 128 KiB (setting it also stops the raising) the executor
 * grew 3% and the kernel's arenas stayed as they were. MALLOC_ARENA_MAX=2
 * and MALLOC_TRIM_THRESHOLD_ changed nothing that mattered.
 *
 * The settings are read when a process starts, so they go where processes are
 * started: the kernelspec's `env` (Jupyter starts the kernel with it),
 * KernelClient (tests, `loom run`, benchmarks start the kernel as Jupyter
 * does), and the executor's spawn (for a kernel started some other way).
 */
export const MALLOC_TUNING: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: '131072',
};

/** `env` plus the malloc settings it does not set itself: a value the user has set wins. */
export function withMallocTuning(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const tuned: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(MALLOC_TUNING)) tuned[name] ??= value;
  return tuned;
}
