/**
 * glibc malloc settings for the executor's environment.
 *
 * Every Thread, ThreadPool worker and executor worker a cell starts is a new
 * V8 isolate with its own Node environment, freed again when it ends. glibc
 * raises its mmap threshold each time a large block mapped on its own is
 * freed, so after the first few workers those blocks come from the per-thread
 * arenas instead, and freed arena memory is kept by the process. A 2,000-cell
 * soak grew the executor's large anonymous mappings from 9 to 59 MiB and its
 * RSS by a third; with the threshold fixed at 128 KiB (setting it also stops
 * the raising) they stayed at 10-14 MiB and RSS grew 3% after warm-up over
 * 1,000 cells. (MALLOC_ARENA_MAX=2 and MALLOC_TRIM_THRESHOLD_ changed nothing
 * that mattered.) A value the user has set in the environment wins.
 */
const MALLOC_TUNING: Record<string, string> = {
  MALLOC_MMAP_THRESHOLD_: '131072',
};

/** The environment for the executor: the kernel's own, plus the malloc settings it does not set itself. */
export function executorEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const tuned: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(MALLOC_TUNING)) tuned[name] ??= value;
  return tuned;
}
