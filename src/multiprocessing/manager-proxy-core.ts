/**
 * What every Manager proxy (dict, list, Namespace) does the same way: send an
 * operation to the object it stands for and block for the answer; describe
 * itself for a thread (the manager's address and the object's number) or a
 * child process (served by the hub); and, as the hub's copy, answer a
 * child's operation asynchronously ([SERVE]).
 */
import { inspect } from 'node:util';
import { ArgumentTypeError, ManagerStateError, NotShippableError } from '../errors.js';
import type { Shareable, SharedForm, ShareTarget } from '../internal/share/registry.js';
import type { Served } from '../internal/share/served.js';
import type { ManagerAddress } from './manager-address.js';
import { clientOf } from './manager-client.js';
import { refuseShared } from './manager-wire.js';
import { ABANDON_OP } from '../internal/share/served-wait.js';
import { isRemoteData, Remote, servedForm, type RemoteData } from '../internal/hub/served-object.js';

/** A proxy's data in a thread of the manager's own process. */
export interface LocalProxyData {
  address: ManagerAddress;
  /** The object's number in the manager. */
  object: number;
}

export type ProxyData = LocalProxyData | RemoteData;

export class ProxyCore {
  readonly #data: ProxyData;
  /** In a child process: the proxy in the process that made it (served objects, internal/hub/served-object.ts). */
  readonly #remote: Remote | undefined;

  constructor(data: ProxyData | undefined, kind: string) {
    if (data === undefined) throw new ArgumentTypeError(`a ${kind} is made by a Manager (Manager().${kind === 'ListProxy' ? 'list' : kind === 'DictProxy' ? 'dict' : 'Namespace'}()), not with new`);
    this.#data = data;
    this.#remote = isRemoteData(data) ? new Remote(data.remote) : undefined;
  }

  /** Runs `op` on the object, blocking this thread for the round trip. */
  call(op: string, args: unknown[]): unknown {
    const data = this.#data;
    for (const arg of args) refuseShared(arg, 'a value');
    if (this.#remote) return this.#remote.call(op, ...args);
    const { address, object } = data as LocalProxyData;
    return clientOf(address).callSync(object, op, args);
  }

  /** The hub's copy answering a child: the same call, without blocking the hub's thread. */
  serve(op: string, args: unknown[]): Promise<unknown> {
    const data = this.#data;
    // A child whose operation finished after it exited: a manager's operations take nothing that needs giving back.
    if (op === ABANDON_OP) return Promise.resolve();
    if (isRemoteData(data)) return Promise.reject(new NotShippableError('a Manager proxy from another process is served by that process only'));
    return clientOf(data.address).call(data.object, op, args);
  }

  /** The proxy as data for `target`. */
  form(proxy: Shareable & Served, kind: string, id: number, target: ShareTarget | undefined): SharedForm {
    return servedForm(proxy, kind, id, target, this.#remote, () => this.#data);
  }
}

/**
 * How console.log shows a proxy: its contents (one round trip), as Python's
 * `str(proxy)`; once the manager is gone, the class alone (as Python's
 * `repr(proxy)`), so printing never throws.
 */
export function showProxy(name: string, contents: () => unknown, depth: number, options: object): string {
  try {
    return `${name} ${inspect(contents(), { ...options, depth })}`;
  } catch (error) {
    if (error instanceof ManagerStateError) return `${name} <manager not running>`;
    throw error;
  }
}
