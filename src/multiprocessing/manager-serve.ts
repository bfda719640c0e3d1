/**
 * How a Manager's proxies reach child processes: the served-objects
 * mechanism (internal/share/served.ts). Sent to a child, a proxy is served by
 * the sending thread's hub, which runs the child's operations on its own copy
 * of the proxy ([SERVE]: an asynchronous call to the manager); the child's
 * copy sends each operation to that hub and blocks for the answer.
 */
import type { SharedForm } from '../internal/share/registry.js';
import type { RemoteObjectForm, Served } from '../internal/share/served.js';
import type { Shareable } from '../internal/share/registry.js';
import { lazy } from '../internal/lazy.js';

/**
 * Loaded at first use, as the served classes load them: a thread that only
 * uses proxies never needs the hub (served-client.ts), and only a child's
 * main thread calls served-remote.ts.
 */
const client = lazy<typeof import('../internal/hub/served-client.js')>(() => require('../internal/hub/served-client.js'));
const remote = lazy<typeof import('../internal/hub/served-remote.js')>(() => require('../internal/hub/served-remote.js'));

/** A proxy's data once it reached a child process: how to reach it. */
export interface RemoteProxyData {
  remote: RemoteObjectForm;
}

export function isRemoteProxyData(data: unknown): data is RemoteProxyData {
  return typeof data === 'object' && data !== null && 'remote' in data;
}

/** The form a child process gets for `proxy`: this thread's hub serves it. Id 0: ids are unique within one process only. */
export function formForChild(proxy: Shareable & Served, kind: string): SharedForm {
  return { kind, id: 0, data: { remote: client().serveToChildren(proxy) } satisfies RemoteProxyData };
}

/** In a child: runs `op` on the proxy in the process that made it, blocking this thread for the answer. */
export function callRemote(form: RemoteObjectForm, op: string, args: unknown[]): unknown {
  return remote().callServed(form, op, args);
}
