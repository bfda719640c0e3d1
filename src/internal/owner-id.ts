/**
 * This thread's owner id for recursive locks: never 0 (0 means "no owner").
 * Worker threadIds are unique within the process, which is as far as
 * SharedArrayBuffer memory (and so an RLock) can reach.
 */
import { threadId } from 'node:worker_threads';

export const ownerId: number = threadId + 1;
