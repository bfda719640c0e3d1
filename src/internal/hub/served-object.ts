/**
 * What every served class (share/served.ts) does the same way: its form for
 * a thread, a process or, once it came from another process, neither; and
 * its child-side calls. A served class holds a Remote instead of its shared
 * memory when it was revived in a child process.
 */
import { ArgumentTypeError, NotShippableError } from '../../errors.js';
import { lazy } from '../lazy.js';
import type { Shareable, SharedForm, ShareTarget } from '../share/registry.js';
import type { RemoteObjectForm, Served } from '../share/served.js';

/**
 * Loaded at first use: a thread that only locks a Lock never needs the hub
 * (served-client.ts), and only a child's main thread calls it (served-remote.ts).
 */
const client = lazy<typeof import('./served-client.js')>(() => require('./served-client.js'));
const remote = lazy<typeof import('./served-remote.js')>(() => require('./served-remote.js'));

/** A served object's data when it reached a child: how to reach it. */
export interface RemoteData {
  remote: RemoteObjectForm;
}

export function isRemoteData(data: unknown): data is RemoteData {
  return typeof data === 'object' && data !== null && 'remote' in data;
}

/** A served object in a child process: its operations go to the hub of the process that made it. */
export class Remote {
  constructor(readonly form: RemoteObjectForm) {}

  /** Runs `op` there and blocks this thread for its value (or its error). */
  call<T>(op: string, ...args: unknown[]): T {
    return remote().callServed(this.form, op, args) as T;
  }

  /** Runs `op` there without waiting for it. */
  post(op: string, ...args: unknown[]): void {
    remote().postServed(this.form, op, args);
  }
}

/**
 * The [SHARE] form of a served object of kind `kind` named `name` in
 * messages: `local()` for a thread of this process; for a child process, the
 * hub serves it (serveToChildren) and the child gets a RemoteObjectForm; an
 * object that came from another process reaches this process's threads
 * (which cannot use it: only the main thread has the channel) and no process.
 * `info()` is what the child needs without asking (RemoteObjectForm.info).
 */
export function servedForm(object: Shareable & Served, kind: string, id: number, target: ShareTarget | undefined, remote: Remote | undefined,
  local: () => unknown, info?: () => unknown): SharedForm {
  if (remote) {
    if (target === 'process') {
      throw new NotShippableError(`this ${object.constructor.name} came from another process; it reaches the processes that process starts, not those started from here`);
    }
    return { kind, id: 0, data: { remote: remote.form } satisfies RemoteData };
  }
  // Id 0 for a process: ids are unique within one process only.
  if (target === 'process') return { kind, id: 0, data: { remote: client().serveToChildren(object, info?.()) } satisfies RemoteData };
  return { kind, id, data: local() };
}

/** A wait in milliseconds sent by a child (Infinity for none). */
export function msArg(value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new ArgumentTypeError(`a wait in milliseconds was expected, got ${String(value)}`);
  return value;
}

/** An op this class does not serve. */
export function unknownOp(kind: string, op: string): Error {
  return new ArgumentTypeError(`a ${kind} has no operation '${op}' for another process`);
}

/**
 * The Promise form of a call that blocks (a child's round trip): its value,
 * or its error as a rejection, as the Promise form of a local call gives them.
 */
export function blocking<T>(call: () => T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (error) {
    return Promise.reject(error);
  }
}
