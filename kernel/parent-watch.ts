/**
 * Jupyter's launchers set JPY_PARENT_PID; ipykernel exits when that process
 * is gone. Loom does the same, so a frontend that dies without a shutdown
 * request (a killed terminal, a crashed notebook server) leaves no kernel behind.
 */
const INTERVAL_MS = 1000;

export function watchParent(onGone: () => void): void {
  const declared = Number(process.env.JPY_PARENT_PID);
  if (!Number.isInteger(declared) || declared <= 1) return;
  const timer = setInterval(() => {
    // Orphans are re-parented (to init or a subreaper): the ppid changes.
    if (process.ppid !== declared) {
      clearInterval(timer);
      onGone();
    }
  }, INTERVAL_MS);
  timer.unref();
}
