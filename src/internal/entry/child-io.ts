/**
 * The helper thread of a loom child process. Its main thread may be in a busy
 * loop that never returns to the event loop, so this thread does two things
 * for it:
 *
 * - The lifeline (protocol.ts, fd 4): the parent never writes it; EOF means
 *   the parent is gone, and this thread kills the process. The fd is
 *   non-blocking and polled: a thread blocked inside read(2) could not be
 *   stopped, and process.exit() waits for every thread.
 * - The outbox: queue puts that need no answer are copied into shared memory
 *   by the main thread (a fraction of a microsecond) and written to fd 3 here,
 *   many per write(2) (internal/hub/outbox.ts).
 */
import { readSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { Outbox } from '../hub/outbox.js';

const { lifeline, control, outbox } = workerData as { lifeline: number; control: number; outbox: SharedArrayBuffer };
const box = new Outbox(outbox, control);
const probe = Buffer.alloc(64);
let lastCheck = 0;

/** False once the parent is gone. */
function parentAlive(): boolean {
  for (;;) {
    try {
      return readSync(lifeline, probe, 0, probe.length, null) !== 0;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return true;
      if (code !== 'EINTR') return false;
    }
  }
}

for (;;) {
  const now = Date.now();
  if (now - lastCheck >= 100) {
    lastCheck = now;
    if (!parentAlive()) break;
  }
  if (!box.waitForWork(100)) continue;
  try {
    box.flush();
  } catch {
    // EPIPE: the parent's hub is gone; the lifeline says so within 100 ms.
  }
}
process.kill(process.pid, 'SIGKILL');
