/**
 * The side of a served object (share/served.ts) in the process that makes
 * it: when the object is sent to a child process, this thread's hub is told
 * to serve it (its form for a thread, so the hub revives it over the same
 * shared memory), and the child is given a RemoteObjectForm naming it.
 */
import { SHARE, type Shareable } from '../share/registry.js';
import type { RemoteObjectForm, Served } from '../share/served.js';
import { hubClient } from './client.js';

/** Still exported here, where it was first: code written against the first commit of this mechanism imports it from here. */
export { ABANDON_OP } from '../share/served-wait.js';

/**
 * Has this thread's hub serve `object` to the children it starts, and
 * returns the form a child gets (in the object's [SHARE]('process')).
 * Called at every send: a hub that stopped and started again learns it anew.
 */
export function serveToChildren(object: Shareable & Served, info?: unknown): RemoteObjectForm {
  const form = object[SHARE]('thread');
  hubClient().send({ t: 'object-serve', object: form.id, form });
  return info === undefined ? { object: form.id, ownerPid: process.pid } : { object: form.id, ownerPid: process.pid, info };
}
