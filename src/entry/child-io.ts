/**
 * The helper thread of a loom child process. Its main thread may be in a busy
 * loop that never returns to the event loop, so this thread does two things
 * for it:
 *
 * - The lifeline (../lifeline.ts): polled between writes, every 100 ms; EOF
 *   means the parent is gone, and this thread kills the process.
 * - The outbox: queue puts that need no answer are copied into shared memory
 *   by the main thread (a fraction of a microsecond) and written to fd 3 here,
 *   many per write(2) (internal/hub/outbox.ts).
 */
import { workerData } from 'node:worker_threads';
import { Outbox } from '../internal/hub/outbox.js';
import { LIFELINE_POLL_MS, parentAlive } from '../internal/lifeline.js';

const { control, outbox } = workerData as { control: number; outbox: SharedArrayBuffer };
const box = new Outbox(outbox, control);
box.helperStarted();
let lastCheck = 0;

for (;;) {
  const now = Date.now();
  if (now - lastCheck >= LIFELINE_POLL_MS) {
    lastCheck = now;
    if (!parentAlive()) break;
  }
  if (!box.waitForWork(LIFELINE_POLL_MS)) continue;
  try {
    box.flush();
  } catch {
    // EPIPE: the parent's hub is gone; the lifeline says so within 100 ms.
  }
}
process.kill(process.pid, 'SIGKILL');
