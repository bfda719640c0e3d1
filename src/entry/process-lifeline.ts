/**
 * The first thing a loom child process does, before it loads the rest of
 * loom (entry/process.ts imports this first): its lifeline (../internal/lifeline.ts).
 *
 * - A child whose parent died while it booted (Node's own boot takes seconds
 *   on a loaded machine) ends here, not after loading loom's modules.
 * - The helper thread (child-io.ts), which watches the lifeline while the
 *   main thread runs user code, starts now: it boots while the main thread
 *   loads the rest and waits for its work.
 * - User code waits for it (untilHelperRuns): no user code runs in a child
 *   whose death with its parent nobody watches, even if that code busy-loops
 *   at once. Until the helper runs, the main thread watches the lifeline itself.
 */
import { Worker } from 'node:worker_threads';
import { entryFile } from '../internal/entry-file.js';
import { CONTROL_FD } from '../internal/fd-table.js';
import { Outbox, OUTBOX_BYTES } from '../internal/hub/outbox.js';
import { LIFELINE_POLL_MS, parentAlive, pollableLifeline } from '../internal/lifeline.js';

/** How long user code waits for the helper thread at most (it boots in tens of ms, in seconds on a loaded machine): then it runs without. */
const HELPER_BOOT_MS = 30_000;

function endIfOrphaned(): void {
  if (!parentAlive()) process.kill(process.pid, 'SIGKILL');
}

pollableLifeline();
endIfOrphaned();

/** The child's outbox (internal/hub/outbox.ts), shared by its main thread and the helper thread. */
export const outbox = new SharedArrayBuffer(OUTBOX_BYTES);
new Worker(entryFile('child-io'), { workerData: { control: CONTROL_FD, outbox }, name: 'loom child io' }).unref();

/** Returns once the helper thread runs (at once in a child that waited for its work, as a spare does). */
export function untilHelperRuns(): void {
  const box = new Outbox(outbox, CONTROL_FD);
  const deadline = Date.now() + HELPER_BOOT_MS;
  while (!box.waitForHelper(LIFELINE_POLL_MS) && Date.now() < deadline) endIfOrphaned();
}
