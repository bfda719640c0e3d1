/**
 * A worker's process.stdout is piped through its starter's event loop, so
 * while the starter busy-loops (as the chapter's examples do) thread output
 * would not appear. Writing to the inherited fds with fs.writeSync makes it
 * live, and keeps the order of lines written by one thread.
 */
import { writeAll } from '../internal/write-all.js';


export function useDirectStdio(): void {
  for (const [stream, fd] of [[process.stdout, 1], [process.stderr, 2]] as const) {
    stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean => {
      const done = typeof encoding === 'function' ? encoding : callback;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : chunk;
      writeAll(fd, bytes);
      if (done) process.nextTick(done);
      return true;
    }) as typeof stream.write;
  }
}
