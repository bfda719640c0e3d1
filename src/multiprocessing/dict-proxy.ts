/** DictProxy: what `Manager().dict()` gives, Python's DictProxy as a Map-like class. */
import { inspect } from 'node:util';
import { adopt, registerShareable, remember, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { SERVE, type Served } from '../internal/share/served.js';
import { keyOf, type DictKey } from './manager-keys.js';
import { ProxyCore, showProxy, type ProxyData } from './manager-proxy-core.js';

/** What `update` and `Manager().dict(init)` take: a Map, a plain object, `[key, value]` pairs, or another DictProxy. */
export type DictInit<K extends DictKey, V> = Map<K, V> | Iterable<readonly [K, V]> | Record<string, V> | DictProxy<K, V>;

/** `init` as checked `[key, value]` pairs, ready to send. */
export function dictPairs(init: unknown): [unknown, unknown][] {
  let pairs: [unknown, unknown][];
  if (init === undefined || init === null) pairs = [];
  else if (init instanceof DictProxy) pairs = init.items();
  else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') pairs = [...(init as Iterable<[unknown, unknown]>)].map((pair) => [pair[0], pair[1]]);
  else pairs = Object.entries(init as object);
  for (const [key] of pairs) keyOf(key);
  return pairs;
}

/**
 * A dict held by a Manager, like Python's `DictProxy`: every thread and
 * child process it is handed to (Thread and Process args, pool tasks) sees
 * one dict. Map-like (`get`, `set`, `has`, `delete`, `size`, iteration over
 * `[key, value]` pairs) with Python's names too (`pop`, `popitem`,
 * `setdefault`, `update`, `items`, `len`, `copy`).
 *
 * Each call is a round trip to the manager's thread, and blocks the calling
 * thread until the answer comes (microseconds from a thread of the manager's
 * process, a round trip through the hub from a child). Each call is atomic;
 * a read-modify-write sequence (`d.set('n', d.get('n') + 1)`) is not: guard
 * it with a Lock (`m.Lock()`), as in Python.
 *
 * Values are copied (v8 serialization) both ways: `d.get('list').push(1)`
 * changes the copy, not the stored value (Python's nested-mutation caveat);
 * set the value again. Keys compare by value: strings, numbers, bigints,
 * booleans, null, undefined and arrays of them (Python's hashable tuples);
 * an object key throws ArgumentTypeError (`unhashable type`).
 */
export class DictProxy<K extends DictKey = DictKey, V = unknown> implements Shareable, Served, Iterable<[K, V]> {
  readonly #id: number;
  readonly #core: ProxyCore;

  /** @internal Made by `Manager().dict()`. */
  constructor() {
    const { id, data } = adopt<ProxyData>();
    this.#id = id;
    this.#core = new ProxyCore(data, 'DictProxy');
    if (id !== 0) remember(id, this);
  }

  #call(op: string, ...args: unknown[]): unknown {
    return this.#core.call(op, args);
  }

  /** The value for `key`, or `fallback` (undefined) when the key is missing: Python's `d.get(key, default)`. */
  get(key: K): V | undefined;
  get<D>(key: K, fallback: D): V | D;
  get(key: K, fallback?: unknown): unknown {
    keyOf(key);
    return this.#call('get', key, fallback);
  }

  /** Sets `key` to a copy of `value` (Python's `d[key] = value`); returns the proxy, as Map's set does. */
  set(key: K, value: V): this {
    keyOf(key);
    this.#call('set', key, value);
    return this;
  }

  /** Whether `key` is in the dict (Python's `key in d`). */
  has(key: K): boolean {
    keyOf(key);
    return this.#call('has', key) as boolean;
  }

  /** Removes `key`; true when it was there (Python's `del d[key]`, which raises KeyError instead). */
  delete(key: K): boolean {
    keyOf(key);
    return this.#call('delete', key) as boolean;
  }

  /** Removes `key` and returns its value; without `fallback`, a missing key throws KeyError (Python's `d.pop`). */
  pop(key: K): V;
  pop<D>(key: K, fallback: D): V | D;
  pop(key: K, ...fallback: unknown[]): unknown {
    keyOf(key);
    return this.#call('pop', key, ...fallback.slice(0, 1));
  }

  /** Removes and returns the last `[key, value]` set; KeyError when empty (Python's `popitem`). */
  popitem(): [K, V] {
    return this.#call('popitem') as [K, V];
  }

  /** The value of `key`; when missing, sets it to `fallback` first and returns that (Python's `setdefault`). */
  setdefault(key: K, fallback?: V): V {
    keyOf(key);
    return this.#call('setdefault', key, fallback) as V;
  }

  /** Sets every pair of `other` (a Map, a plain object, `[key, value]` pairs, another DictProxy), in one call. */
  update(other: DictInit<K, V>): void {
    this.#call('update', dictPairs(other));
  }

  /** The keys, in insertion order, as an array (a snapshot, as Python's proxy gives a list). */
  keys(): K[] {
    return this.#call('keys') as K[];
  }

  /** The values, in insertion order, as an array (a snapshot). */
  values(): V[] {
    return this.#call('values') as V[];
  }

  /** The `[key, value]` pairs, in insertion order, as an array (a snapshot). */
  items(): [K, V][] {
    return this.#call('items') as [K, V][];
  }

  /** Same as items(), Map's name. */
  entries(): [K, V][] {
    return this.items();
  }

  /** How many keys: Python's `len(d)`. */
  get size(): number {
    return this.#call('size') as number;
  }

  /** How many keys (Python's `len(d)`), same as `size`. */
  len(): number {
    return this.size;
  }

  /** Removes every key. */
  clear(): void {
    this.#call('clear');
  }

  /** A plain copy of the dict, as a Map (Python's `d.copy()` gives a dict). */
  copy(): Map<K, V> {
    return this.#call('copy') as Map<K, V>;
  }

  /** Iterates over a snapshot of the `[key, value]` pairs (one round trip), as a Map iterates. */
  [Symbol.iterator](): Iterator<[K, V]> {
    return this.items()[Symbol.iterator]();
  }

  /** Shows the dict's contents, as Python's `str(proxy)` does (one round trip); only the class once the manager is gone. */
  [inspect.custom](depth: number, options: object): string {
    return showProxy('DictProxy', () => this.copy(), depth, options);
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    return this.#core.form(this, 'mp.DictProxy', this.#id, target);
  }

  /** @internal The hub's copy answering a child process. */
  [SERVE](op: string, args: unknown[]): Promise<unknown> {
    return this.#core.serve(op, args);
  }
}

registerShareable('mp.DictProxy', DictProxy);
