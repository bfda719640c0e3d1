/**
 * Namespace: what `Manager().Namespace()` gives, Python's NamespaceProxy as a
 * JavaScript Proxy, so `ns.x = 1` and `ns.x` work as Python's attributes do.
 */
import { inspect } from 'node:util';
import { adopt, registerShareable, remember, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { SERVE, type Served } from '../internal/share/served.js';
import { ProxyCore, showProxy, type ProxyData } from './manager-proxy-core.js';

/**
 * A Manager's Namespace: named values every thread and child process it is
 * handed to sees, like Python's `Manager().Namespace()`. Reading a property
 * (`ns.x`), setting one (`ns.x = 1`), `delete ns.x` and `'x' in ns` are each
 * a round trip to the manager's thread that blocks the caller until the
 * answer; `Object.keys(ns)`, spreading and `JSON.stringify` work (one round
 * trip per property). A missing property reads as undefined (Python raises
 * AttributeError). Values are copied both ways: `ns.list.push(1)` changes the
 * copy you read, not the stored value (Python's documented caveat: "a
 * mutated nested object inside a proxy is not written back"); set it again
 * (`ns.list = [...ns.list, 1]`). `then` always reads as undefined, so a
 * Namespace can be returned from an async function.
 */
export type Namespace<T extends object = Record<string, any>> = T;

/** The object behind the Proxy: its symbols ([SHARE], [SERVE], inspect) are its own, every string key goes to the manager. */
class NamespaceProxy implements Shareable, Served {
  readonly #id: number;
  readonly #core: ProxyCore;

  constructor() {
    const { id, data } = adopt<ProxyData>();
    this.#id = id;
    this.#core = new ProxyCore(data, 'Namespace');
    // util.inspect reads this on the target but calls it with the Proxy as `this`: an own arrow function needs neither.
    Object.defineProperty(this, inspect.custom, {
      configurable: true,
      value: (depth: number, options: object) => showProxy('Namespace', () => this.call('copy'), depth, options),
    });
    const proxy = new Proxy(this, HANDLER);
    if (id !== 0) remember(id, proxy);
    // A constructor may return another object: the Proxy is what `new` (and the registry's revive) gives.
    return proxy;
  }

  /** @internal */
  call(op: string, ...args: unknown[]): unknown {
    return this.#core.call(op, args);
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    return this.#core.form(this, 'mp.Namespace', this.#id, target);
  }

  /** @internal The hub's copy answering a child process. */
  [SERVE](op: string, args: unknown[]): Promise<unknown> {
    return this.#core.serve(op, args);
  }
}

/** Names that never go to the manager: `then`, so that `await` and Promise resolution do not take a Namespace for a Promise. */
const LOCAL = new Set(['then']);

const HANDLER: ProxyHandler<NamespaceProxy> = {
  get(target, key, receiver) {
    if (typeof key === 'symbol' || LOCAL.has(key)) {
      const value = Reflect.get(target, key, receiver) as unknown;
      // [SHARE] and [SERVE] read private fields: they must run on the target, not on the Proxy.
      return typeof value === 'function' ? (value as Function).bind(target) : value;
    }
    return target.call('get', key);
  },
  set(target, key, value) {
    if (typeof key === 'symbol') return Reflect.set(target, key, value);
    target.call('set', key, value);
    return true;
  },
  has(target, key) {
    if (typeof key === 'symbol') return Reflect.has(target, key);
    return target.call('has', key) as boolean;
  },
  deleteProperty(target, key) {
    if (typeof key === 'symbol') return Reflect.deleteProperty(target, key);
    target.call('delete', key);
    return true;
  },
  ownKeys(target) {
    return target.call('keys') as string[];
  },
  getOwnPropertyDescriptor(target, key) {
    if (typeof key === 'symbol') return Reflect.getOwnPropertyDescriptor(target, key);
    const [present, value] = target.call('lookup', key) as [boolean, unknown];
    return present ? { value, writable: true, enumerable: true, configurable: true } : undefined;
  },
  defineProperty(target, key, descriptor) {
    if (typeof key === 'symbol') return Reflect.defineProperty(target, key, descriptor);
    target.call('set', key, descriptor.value);
    return true;
  },
};

registerShareable('mp.Namespace', NamespaceProxy);
