/**
 * How a Manager's proxies reach child processes: the served-objects
 * mechanism (internal/share/served.ts). Sent to a child, a proxy is served by
 * the sending thread's hub, which runs the child's operations on its own copy
 * of the proxy ([SERVE]: an asynchronous call to the manager); the child's
 * copy sends each operation to that hub and blocks for the answer.
 */
import { NotShippableError } from '../errors.js';
import type { SharedForm } from '../internal/share/registry.js';
import type { RemoteObjectForm } from '../internal/share/served.js';

/** A proxy's data once it reached a child process: how to reach it. */
export interface RemoteProxyData {
  remote: RemoteObjectForm;
}

export function isRemoteProxyData(data: unknown): data is RemoteProxyData {
  return typeof data === 'object' && data !== null && 'remote' in data;
}

const MISSING = 'a Manager proxy reaches child processes through the served-objects mechanism (src/internal/hub/served-client.ts), which this build of loom does not have yet; use the proxy from threads (Thread, ThreadPool), or pass values through a multiprocessing Queue';

/** The form a child process gets for `proxy` (the hub serves the proxy). */
export function formForChild(_proxy: object, _kind: string): SharedForm {
  throw new NotShippableError(MISSING);
}

/** In a child: runs `op` on the proxy in the process that made it, blocking for the answer. */
export function callRemote(_remote: RemoteObjectForm, _op: string, _args: unknown[]): unknown {
  throw new NotShippableError(MISSING);
}
