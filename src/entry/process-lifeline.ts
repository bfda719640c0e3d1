/**
 * The first thing a loom child process does, before it loads the rest of
 * loom (entry/process.ts imports this first): its lifeline (../internal/lifeline.ts).
 *
 * - A child whose parent died while it booted (Node's own boot takes seconds
 *   on a loaded machine) ends here, not after loading loom's modules.
 * - The helper thread (child-io.ts), which watches the lifeline while the
 *   main thread runs user code, starts now: it boots (50-120 ms, seconds on a
 *   loaded machine) while the main thread loads the rest, reads its work and
 *   runs it. User code does not wait for it: its first act is a look at the
 *   lifeline, so a child whose parent dies while the helper still boots, even
 *   one busy-looping in user code, dies once the helper runs.
 * - Until then the main thread looks itself, at each step of its own
 *   (endIfOrphaned): after its work arrives, and before user code runs.
 */
import { Worker } from 'node:worker_threads';
import { entryFile } from '../internal/entry-file.js';
import { CONTROL_FD } from '../internal/fd-table.js';
import { OUTBOX_BYTES } from '../internal/hub/outbox.js';
import { parentAlive, pollableLifeline } from '../internal/lifeline.js';

/** Ends this process at once when its parent is gone (a look at the lifeline: one read(2)). */
export function endIfOrphaned(): void {
  if (!parentAlive()) process.kill(process.pid, 'SIGKILL');
}

pollableLifeline();
endIfOrphaned();

/** The child's outbox (internal/hub/outbox.ts), shared by its main thread and the helper thread. */
export const outbox = new SharedArrayBuffer(OUTBOX_BYTES);
new Worker(entryFile('child-io'), { workerData: { control: CONTROL_FD, outbox }, name: 'loom child io' }).unref();
