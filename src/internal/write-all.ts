/**
 * Synchronous writes that any thread can make, also to a pipe that Node has
 * made non-blocking: EAGAIN (the reader is behind) and EINTR mean "try again
 * in a moment", never "lose the output".
 */
import { writeSync } from 'node:fs';

/** Sleeps this thread without spinning the CPU (Atomics.wait on a private cell). */
export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Writes all of `data` to `fd`; any error other than EAGAIN or EINTR is thrown. */
export function writeAll(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EINTR') throw error;
      sleepMs(1);
    }
  }
}
