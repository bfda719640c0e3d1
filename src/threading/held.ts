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
