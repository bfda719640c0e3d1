/** ListProxy: what `Manager().list()` gives, Python's ListProxy with methods instead of `[]`. */
import { inspect } from 'node:util';
import { ArgumentTypeError } from '../errors.js';
import { adopt, registerShareable, remember, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { SERVE, type Served } from '../internal/share/served.js';
import { optionsObject, optionalBoolean, show } from '../internal/validate.js';
import { ProxyCore, showProxy, type ProxyData } from './manager-proxy-core.js';

/** Python's TypeError for an index that is not an integer. */
function index(value: unknown, what = 'list indices'): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ArgumentTypeError(`${what} must be integers, not ${show(value)}`);
  return value;
}

function optionalIndex(value: unknown, what: string): number | undefined {
  return value === undefined ? undefined : index(value, what);
}

/**
 * A list held by a Manager, like Python's `ListProxy`: every thread and child
 * process it is handed to sees one list. Python's `l[i]` is `get(i)` and
 * `l[i] = v` is `set(i, v)`, with negative indexes counting from the end and
 * IndexError outside; the rest keeps Python's names (`append`, `extend`,
 * `pop`, `insert`, `remove`, `index`, `count`, `reverse`, `sort`) next to
 * JavaScript's (`push`, `includes`, `length`, `slice`).
 *
 * Each call is a round trip to the manager's thread and blocks the calling
 * thread until the answer comes; each is atomic, a sequence of them is not
 * (guard it with `m.Lock()`). Values are copied both ways: changing an item
 * you got changes your copy only, as in Python; set it again. Items compare
 * (`remove`, `index`, `count`, `includes`) by value, deeply.
 */
export class ListProxy<T = unknown> implements Shareable, Served, Iterable<T> {
  readonly #id: number;
  readonly #core: ProxyCore;

  /** @internal Made by `Manager().list()`. */
  constructor() {
    const { id, data } = adopt<ProxyData>();
    this.#id = id;
    this.#core = new ProxyCore(data, 'ListProxy');
    if (id !== 0) remember(id, this);
  }

  #call(op: string, ...args: unknown[]): unknown {
    return this.#core.call(op, args);
  }

  /** The item at `i` (negative: from the end); IndexError outside (Python's `l[i]`). */
  get(i: number): T {
    return this.#call('get', index(i)) as T;
  }

  /** Sets the item at `i` to a copy of `value` (negative: from the end); IndexError outside (Python's `l[i] = v`). */
  set(i: number, value: T): void {
    this.#call('set', index(i), value);
  }

  /** Adds `value` at the end (Python's `append`). */
  append(value: T): void {
    this.#call('push', value);
  }

  /** Adds the items at the end, in one call; returns the new length (Array's push). */
  push(...items: T[]): number {
    return this.#call('push', ...items) as number;
  }

  /** Adds every item of `items` at the end, in one call (Python's `extend`). */
  extend(items: Iterable<T>): void {
    const list = items instanceof ListProxy ? items.copy() : [...items];
    this.#call('extend', list);
  }

  /** Removes and returns the item at `i` (the last by default); IndexError when empty or outside (Python's `pop`). */
  pop(i?: number): T {
    return this.#call('pop', optionalIndex(i, 'list indices')) as T;
  }

  /** Inserts `value` before index `i` (Python's `insert`: negative from the end, clamped to the list). */
  insert(i: number, value: T): void {
    this.#call('insert', index(i), value);
  }

  /** Removes the first item equal to `value`; ArgumentValueError (Python's ValueError) when there is none. */
  remove(value: T): void {
    this.#call('remove', value);
  }

  /** The index of the first item equal to `value` between `start` and `stop`; ArgumentValueError when there is none (Python's `index`). */
  index(value: T, start?: number, stop?: number): number {
    return this.#call('index', value, optionalIndex(start, 'slice indices'), optionalIndex(stop, 'slice indices')) as number;
  }

  /** How many items equal `value` (Python's `count`). */
  count(value: T): number {
    return this.#call('count', value) as number;
  }

  /** Whether an item equals `value` (Python's `value in l`). */
  includes(value: T): boolean {
    return this.#call('includes', value) as boolean;
  }

  /** How many items: Python's `len(l)`. */
  get length(): number {
    return this.#call('length') as number;
  }

  /** How many items (Python's `len(l)`), same as `length`. */
  len(): number {
    return this.length;
  }

  /** A copy of the items from `start` to before `end`, as Array's slice (Python's `l[start:end]`). */
  slice(start?: number, end?: number): T[] {
    return this.#call('slice', optionalIndex(start, 'slice indices'), optionalIndex(end, 'slice indices')) as T[];
  }

  /** Reverses the list in place. */
  reverse(): void {
    this.#call('reverse');
  }

  /**
   * Sorts the list in place with Python's `<` (numbers, strings by code point,
   * arrays element by element; a PriorityQueue's order), stable; items that
   * Python could not compare throw ArgumentTypeError and leave it unchanged.
   */
  sort(options?: { reverse?: boolean }): void {
    const { reverse } = optionsObject<{ reverse?: boolean }>('options', options);
    this.#call('sort', optionalBoolean('reverse', reverse, false));
  }

  /** Removes every item. */
  clear(): void {
    this.#call('clear');
  }

  /** A plain copy of the list, as an array (Python's `l[:]`). */
  copy(): T[] {
    return this.#call('copy') as T[];
  }

  /** Iterates over a snapshot of the items (one round trip). */
  [Symbol.iterator](): Iterator<T> {
    return this.copy()[Symbol.iterator]();
  }

  /** Shows the list's contents, as Python's `str(proxy)` does (one round trip); only the class once the manager is gone. */
  [inspect.custom](depth: number, options: object): string {
    return showProxy('ListProxy', () => this.copy(), depth, options);
  }

  /** @internal */
  [SHARE](target?: ShareTarget): SharedForm {
    return this.#core.form(this, 'mp.ListProxy', this.#id, target);
  }

  /** @internal The hub's copy answering a child process. */
  [SERVE](op: string, args: unknown[]): Promise<unknown> {
    return this.#core.serve(op, args);
  }
}

registerShareable('mp.ListProxy', ListProxy);
