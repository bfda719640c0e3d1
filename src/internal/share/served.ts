/**
 * Objects that child processes reach through their parent's hub: the
 * contract between such an object's class, the hub and the child.
 *
 * Node processes share no memory, so a Lock, an Event or a Value made in one
 * process lives in that process's shared memory, and its threads use it
 * directly. When it is sent to a child process, its [SHARE]('process') form
 * names it instead (a RemoteObjectForm), and the hub that starts the child
 * gets the object's thread form, revives it in the hub thread (the same
 * memory) and answers the child's operations on it, one frame each way, with
 * [SERVE]. So a Lock held by a child is held for the parent's threads too.
 * A Manager's proxies work the same way: the hub's copy of a proxy asks the
 * manager.
 */

/** Method a served class implements; the hub calls it on its own copy of the object. */
export const SERVE: unique symbol = Symbol.for('loom.serve') as never;

/** Who asks, as the serving process sees it. */
export interface Caller {
  /** The child's process id. */
  pid: number;
  /**
   * The child's owner id in the serving process's memory, for what a thread
   * owns (an RLock): never 0 and never a thread id of this process.
   */
  owner: number;
}

/** A class whose objects child processes reach through the hub. */
export interface Served {
  /**
   * Runs operation `op` for `caller`, in the hub thread. The result (or the
   * error thrown or rejected) goes back to the child, copied with v8
   * serialization.
   */
  [SERVE](op: string, args: unknown[], caller: Caller): unknown;
}

/** How a served object is described to a child process. */
export interface RemoteObjectForm {
  /** The object's id in the process that made it (the hub's key for it). */
  object: number;
  /** The process that made it: only it, through its hub, can serve it. */
  ownerPid: number;
  /** What a class needs on the child's side without asking (a Value's typecode, an Array's length...). */
  info?: unknown;
}
