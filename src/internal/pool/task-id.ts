/** Task ids: positive, unique among this thread's pools, small enough for an Int32 cell (they wrap after 2**31 - 1). */
let last = 0;

export function newTaskId(): number {
  last = last >= 0x7fffffff ? 1 : last + 1;
  return last;
}
