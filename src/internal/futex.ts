/**
 * A mutex in one Int32 cell (Drepper's "futexes are tricky", mutex 2):
 * 0 = free, 1 = held, 2 = held and someone may be sleeping. Release only
 * calls Atomics.notify when someone may sleep, so an uncontended
 * acquire/release is two atomic operations. Used by Lock and by the queues.
 */
import { deadlineAfter, remaining, type Waiting } from './wait.js';

const FREE = 0;
const HELD = 1;
const CONTENDED = 2;
/** Spins before sleeping: a hand-off between two busy threads is far cheaper than a futex sleep and wake. */
const SPINS = 64;

export function tryLock(cells: Int32Array, index: number): boolean {
  return Atomics.compareExchange(cells, index, FREE, HELD) === FREE;
}

/** Acquires within `ms` milliseconds (Infinity: no limit); the result says whether it did. */
export function* lockSteps(cells: Int32Array, index: number, ms: number): Waiting<boolean> {
  if (tryLock(cells, index)) return true;
  if (ms <= 0) return false;
  for (let i = 0; i < SPINS; i++) {
    if (Atomics.load(cells, index) === FREE && tryLock(cells, index)) return true;
  }
  const deadline = deadlineAfter(ms);
  for (;;) {
    // Mark contended before sleeping so the holder knows to wake us.
    if (Atomics.exchange(cells, index, CONTENDED) === FREE) return true;
    const left = remaining(deadline);
    if (left <= 0) return false;
    yield { cells, index, value: CONTENDED, ms: left };
  }
}

/** Acquires, blocking this thread without a generator (the hot path of the queues). */
export function lockSync(cells: Int32Array, index: number): void {
  if (tryLock(cells, index)) return;
  for (let i = 0; i < SPINS; i++) {
    if (Atomics.load(cells, index) === FREE && tryLock(cells, index)) return;
  }
  while (Atomics.exchange(cells, index, CONTENDED) !== FREE) Atomics.wait(cells, index, CONTENDED);
}

/** Releases; false when the lock was not held (the caller reports that). */
export function unlock(cells: Int32Array, index: number): boolean {
  const previous = Atomics.exchange(cells, index, FREE);
  if (previous === CONTENDED) Atomics.notify(cells, index, 1);
  return previous !== FREE;
}

export function isLocked(cells: Int32Array, index: number): boolean {
  return Atomics.load(cells, index) !== FREE;
}
