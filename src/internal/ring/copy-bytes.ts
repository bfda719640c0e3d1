/**
 * Copying bytes into or out of shared memory at memcpy speed.
 *
 * `Buffer.copy` and `TypedArray.set` touching a SharedArrayBuffer go through
 * V8's relaxed-atomic memmove, which copies a word at a time when source and
 * target are equally aligned and a byte at a time when they are not: 10 KB
 * took 3 µs misaligned (0.4 µs aligned) here, more than the rest of a queue
 * put or get. `fill` with a Buffer as the value is one native memcpy when the
 * range is as long as the value (0.2 µs, whatever the alignment). Every copy
 * made here happens under the lock that owns the shared bytes, so the plain
 * copy is as safe as the relaxed one.
 */

/** Below this, the native call costs more than it saves. */
const SMALL = 64;

/** Copies all of `source` into `target` at `at`; `target` must have room. */
export function copyBytes(source: Uint8Array, target: Buffer, at: number): void {
  const size = source.length;
  if (size === 0) return;
  if (size < SMALL) target.set(source, at);
  else target.fill(source, at, at + size);
}
