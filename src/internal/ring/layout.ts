/** The shared memory of a queue: Int32 header cells, then the byte ring. */

export const H = {
  LOCK: 0,
  /** Live items. qsize() reads it without the lock. */
  COUNT: 1,
  HEAD: 2,
  TAIL: 3,
  /** Where the data before the wrap ends (-1: the data does not wrap). */
  WRAP_AT: 4,
  NOT_EMPTY_SEQ: 5,
  NOT_EMPTY_WAITERS: 6,
  NOT_FULL_SEQ: 7,
  NOT_FULL_WAITERS: 8,
  /** Items put and not yet marked taskDone(); join() waits for 0. */
  UNFINISHED: 9,
  SHUTDOWN: 10,
  MAXSIZE: 11,
  CAPACITY: 12,
  /** 0 FIFO, 1 LIFO, 2 priority. */
  ORDER: 13,
  /**
   * 1: a put wakes every waiting getter, not one. For a pool's results ring,
   * whose single reader may wait twice at once (on its event loop and blocked in a Sync call).
   */
  WAKE_ALL: 14,
  /** PriorityQueue: items queued whose sort key is not a plain number (while 0, a number put needs no comparability check). */
  NON_NUMBERS: 15,
  /**
   * A Pipe's queue: how many handles of its writing end are open (one per
   * process holding the end). 0: not counted (every other queue). A
   * WRITER_CLOSED item put while more than one is open only counts one down;
   * the last one goes in, and is the reader's EOF (multiprocessing/connection.ts).
   */
  WRITERS: 16,
  CELLS: 17,
} as const;

export const HEADER_BYTES = H.CELLS * 4;

/**
 * Per entry: u32 payload size, u8 tag, u8 live, u8 has-sort-key, u8 unused, f64 key (a pool's task id);
 * then the payload (a PriorityQueue's: u32 sort key length, the sort key, the item); then u32 entry size.
 */
export const ENTRY_HEAD = 16;
export const ENTRY_OVERHEAD = ENTRY_HEAD + 4;

export const FIFO = 0;
export const LIFO = 1;
export const PRIORITY = 2;
