/** What `holdSync()`/`hold()` return: Python's `with lock:` as `using _ = lock.holdSync()`. */

/**
 * A held lock (or semaphore slot) that releases when disposed, so
 * `using _ = lock.holdSync();` releases at the end of the block, also on throw.
 */
export class Held implements Disposable {
  #release: (() => void) | undefined;
  /** @internal */
  constructor(release: () => void) {
    this.#release = release;
  }
  /** Releases now; later calls (and the disposal at block end) do nothing. */
  release(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
  [Symbol.dispose](): void {
    this.release();
  }
}

/** A lock or semaphore: what a Held can hold. */
interface Holdable {
  acquireSync(): unknown;
  acquire(): Promise<unknown>;
  release(): void;
}

/** Acquires `lock` (blocking) and returns the Held that releases it: Lock, RLock and Semaphore's holdSync(). */
export function heldSync(lock: Holdable): Held {
  lock.acquireSync();
  return new Held(() => lock.release());
}

/** Acquires `lock` without blocking the event loop and returns the Held that releases it: their hold(). */
export async function held(lock: Holdable): Promise<Held> {
  await lock.acquire();
  return new Held(() => lock.release());
}
