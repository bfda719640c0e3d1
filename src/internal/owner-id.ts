/**
 * This thread's owner id for recursive locks: never 0 (0 means "no owner").
 * Worker threadIds are unique within the process, which is as far as
 * SharedArrayBuffer memory (and so an RLock) can reach.
 */
import { threadId } from 'node:worker_threads';

export const ownerId: number = threadId + 1;

/**
 * Owner ids of child processes, for what a hub holds on a child's behalf
 * (an RLock a child acquired): CHILD_OWNER_BASE + its pid. Above every
 * threadId + 1 of this process, below 2**31 (an Int32 cell; Linux pids stay
 * under 2**22).
 */
export const CHILD_OWNER_BASE = 2 ** 30;
