/**
 * The module that registers each shareable kind, so a worker loads a Lock's
 * module when a Lock first reaches it rather than all of loom when it starts.
 * A kind missing here still works: its first arrival loads all of loom.
 */
import { setKindLoader } from '../internal/share/registry.js';

export const KIND_MODULES: Readonly<Record<string, string>> = {
  Function: '../internal/ship/revive-code.js',
  Lock: '../threading/lock.js',
  RLock: '../threading/rlock.js',
  Condition: '../threading/condition.js',
  Semaphore: '../threading/semaphore.js',
  BoundedSemaphore: '../threading/semaphore.js',
  Event: '../threading/event.js',
  Barrier: '../threading/barrier.js',
  Queue: '../queue/queue.js',
  LifoQueue: '../queue/queue.js',
  PriorityQueue: '../queue/queue.js',
  SimpleQueue: '../queue/simple-queue.js',
  'mp.Queue': '../multiprocessing/queues.js',
  'mp.JoinableQueue': '../multiprocessing/queues.js',
  'mp.SimpleQueue': '../multiprocessing/queues.js',
  'mp.Connection': '../multiprocessing/connection.js',
  'mp.Value': '../multiprocessing/sharedctypes.js',
  'mp.Array': '../multiprocessing/sharedctypes.js',
  'mp.SyncManager': '../multiprocessing/managers.js',
  'mp.DictProxy': '../multiprocessing/dict-proxy.js',
  'mp.ListProxy': '../multiprocessing/list-proxy.js',
  'mp.Namespace': '../multiprocessing/namespace-proxy.js',
  ClusterQueue: '../distributed/queue-revive.js',
};

let everything = false;

function loadKind(kind: string): void {
  const file = Object.hasOwn(KIND_MODULES, kind) ? KIND_MODULES[kind] : undefined;
  if (file) require(file);
  else if (!everything) {
    // Not a kind this table knows (or an object that merely has a __loom__ key): every kind registers itself on load.
    everything = true;
    require('../index.js');
  }
}

/** In a worker: shareable kinds load their modules when one first arrives. */
export function loadKindsOnDemand(): void {
  setKindLoader(loadKind);
}
