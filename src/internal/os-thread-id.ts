/**
 * The OS's id of the calling thread (Linux's tid), which Python calls the
 * native id: a thread publishes it as it boots (entry/thread.ts), and
 * getNativeId() answers with it.
 */
import { readlinkSync } from 'node:fs';

let nativeId: number | null | undefined;
/** This OS thread's id (Linux: from /proc/thread-self, about 10 µs); undefined where there is no such file. */
export function osThreadId(): number | undefined {
  if (nativeId === undefined) {
    try {
      nativeId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    } catch {
      nativeId = null;
    }
  }
  return nativeId ?? undefined;
}
