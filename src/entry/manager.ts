/**
 * A Manager's thread (multiprocessing/managers.ts): serves the manager's
 * objects until shutdown(), then ends itself, even with a reply still
 * waiting for room in a caller's queue.
 */
import { workerData } from 'node:worker_threads';
import type { ManagerAddress } from '../multiprocessing/manager-address.js';
import { serveManager } from '../multiprocessing/manager-server.js';

const address = (workerData as { loomManager: ManagerAddress }).loomManager;
serveManager(address).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('loom: the Manager thread failed:', error);
    process.exit(1);
  },
);
