/** The ops behind a cluster's queues (to be written): see link.ts. */
import type { Op } from './link.js';

export const queueOps: Record<string, Op> = {};
