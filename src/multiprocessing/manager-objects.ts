/**
 * The objects a Manager holds, inside its thread: a dict, a list, a
 * Namespace, each answering the operations its proxy sends, one at a time
 * (the manager thread runs one operation to its end before the next, which
 * is what makes each proxy call atomic). Errors are Python's, with Python's
 * wording: KeyError, IndexError, ValueError (ArgumentValueError).
 */
import { isDeepStrictEqual } from 'node:util';
import { ArgumentTypeError, ArgumentValueError, IndexError, KeyError } from '../errors.js';
import { show } from '../internal/validate.js';
import { compareSortKeys, objectsTiedError, OBJECTS_TIED, sortKey } from '../internal/ring/sort-key.js';
import { keyOf } from './manager-keys.js';

/** One object in the manager: runs an operation of its proxy. */
export interface Managed {
  call(op: string, args: unknown[]): unknown;
}

/** What a Manager can make. */
export type ManagedKind = 'dict' | 'list' | 'namespace';

function unknownOp(kind: string, op: string): never {
  throw new ArgumentTypeError(`a Manager's ${kind} has no operation '${op}'`);
}

/** Python's repr of a missing key, as KeyError shows it: 'a' for a string. */
function keyRepr(key: unknown): string {
  return typeof key === 'string' ? `'${key}'` : show(key);
}

/** A dict: insertion-ordered, keys by value (manager-keys.ts). */
class ManagedDict implements Managed {
  /** Canonical key -> [the key as given, its value]. */
  readonly #entries = new Map<string, [unknown, unknown]>();

  constructor(pairs: [unknown, unknown][]) {
    this.#update(pairs);
  }

  #update(pairs: [unknown, unknown][]): void {
    for (const [key, value] of pairs) this.#entries.set(keyOf(key), [key, value]);
  }

  call(op: string, args: unknown[]): unknown {
    const entries = this.#entries;
    switch (op) {
      case 'get': {
        const found = entries.get(keyOf(args[0]));
        return found ? found[1] : args[1];
      }
      case 'set':
        entries.set(keyOf(args[0]), [args[0], args[1]]);
        return undefined;
      case 'has':
        return entries.has(keyOf(args[0]));
      case 'delete':
        return entries.delete(keyOf(args[0]));
      case 'pop': {
        const key = keyOf(args[0]);
        const found = entries.get(key);
        if (found) {
          entries.delete(key);
          return found[1];
        }
        if (args.length > 1) return args[1];
        throw new KeyError(keyRepr(args[0]));
      }
      case 'popitem': {
        const last = [...entries.keys()].pop();
        if (last === undefined) throw new KeyError('popitem(): dictionary is empty');
        const found = entries.get(last)!;
        entries.delete(last);
        return found;
      }
      case 'setdefault': {
        const key = keyOf(args[0]);
        const found = entries.get(key);
        if (found) return found[1];
        entries.set(key, [args[0], args[1]]);
        return args[1];
      }
      case 'update':
        this.#update(args[0] as [unknown, unknown][]);
        return undefined;
      case 'keys':
        return [...entries.values()].map(([key]) => key);
      case 'values':
        return [...entries.values()].map(([, value]) => value);
      case 'items':
        return [...entries.values()];
      case 'size':
        return entries.size;
      case 'clear':
        entries.clear();
        return undefined;
      case 'copy':
        return new Map(entries.values());
    }
    return unknownOp('dict', op);
  }
}

/** Python's rule for an index: negative counts from the end; outside is an IndexError with `message`. */
function at(items: unknown[], index: unknown, message: string): number {
  const i = (index as number) < 0 ? (index as number) + items.length : (index as number);
  if (i < 0 || i >= items.length) throw new IndexError(message);
  return i;
}

function find(items: unknown[], value: unknown, start = 0, stop = items.length): number {
  for (let i = Math.max(0, start); i < Math.min(stop, items.length); i++) if (isDeepStrictEqual(items[i], value)) return i;
  return -1;
}

/** Python's `<` on the items (sort-key.ts, as a PriorityQueue orders them). */
function pythonOrder(items: unknown[], reverse: boolean): unknown[] {
  const keyed = items.map((item) => ({ item, key: sortKey(item) }));
  keyed.sort((a, b) => {
    let order = compareSortKeys(a.key, 0, b.key, 0);
    if (order === OBJECTS_TIED) {
      if (!isDeepStrictEqual(a.item, b.item)) throw objectsTiedError();
      order = 0;
    }
    return reverse ? -order : order;
  });
  return keyed.map(({ item }) => item);
}

/** Python's slice bound: negative counts from the end, clamped to the list. */
function bound(index: unknown, length: number, fallback: number): number {
  if (index === undefined) return fallback;
  const i = index as number;
  return i < 0 ? Math.max(0, i + length) : Math.min(i, length);
}

class ManagedList implements Managed {
  #items: unknown[];

  constructor(items: unknown[]) {
    this.#items = items;
  }

  call(op: string, args: unknown[]): unknown {
    const items = this.#items;
    switch (op) {
      case 'get':
        return items[at(items, args[0], 'list index out of range')];
      case 'set':
        items[at(items, args[0], 'list assignment index out of range')] = args[1];
        return undefined;
      case 'push':
        return items.push(...args);
      case 'extend':
        for (const item of args[0] as unknown[]) items.push(item);
        return undefined;
      case 'pop': {
        if (items.length === 0) throw new IndexError('pop from empty list');
        return items.splice(at(items, args[0] ?? -1, 'pop index out of range'), 1)[0];
      }
      case 'insert':
        items.splice(bound(args[0], items.length, 0), 0, args[1]);
        return undefined;
      case 'remove': {
        const i = find(items, args[0]);
        if (i < 0) throw new ArgumentValueError('list.remove(x): x not in list');
        items.splice(i, 1);
        return undefined;
      }
      case 'index': {
        const i = find(items, args[0], bound(args[1], items.length, 0), bound(args[2], items.length, items.length));
        if (i < 0) throw new ArgumentValueError(`${show(args[0])} is not in list`);
        return i;
      }
      case 'count':
        return items.filter((item) => isDeepStrictEqual(item, args[0])).length;
      case 'includes':
        return find(items, args[0]) >= 0;
      case 'length':
        return items.length;
      case 'slice':
        return items.slice(args[0] as number | undefined, args[1] as number | undefined);
      case 'reverse':
        items.reverse();
        return undefined;
      case 'sort':
        this.#items = pythonOrder(items, args[0] === true);
        return undefined;
      case 'clear':
        items.length = 0;
        return undefined;
      case 'copy':
        return items;
    }
    return unknownOp('list', op);
  }
}

/** A Namespace: named values, in the order they were first set. */
class ManagedNamespace implements Managed {
  readonly #fields = new Map<string, unknown>();

  constructor(fields: Record<string, unknown>) {
    for (const [name, value] of Object.entries(fields)) this.#fields.set(name, value);
  }

  call(op: string, args: unknown[]): unknown {
    const fields = this.#fields;
    const name = args[0] as string;
    switch (op) {
      case 'get':
        return fields.get(name);
      case 'set':
        fields.set(name, args[1]);
        return undefined;
      case 'has':
        return fields.has(name);
      case 'lookup':
        return [fields.has(name), fields.get(name)];
      case 'delete':
        return fields.delete(name);
      case 'keys':
        return [...fields.keys()];
      case 'copy':
        return Object.fromEntries(fields);
    }
    return unknownOp('Namespace', op);
  }
}

/** Makes an object of `kind` from what its factory was given (already checked by the caller). */
export function createManaged(kind: ManagedKind, init: unknown): Managed {
  switch (kind) {
    case 'dict':
      return new ManagedDict(init as [unknown, unknown][]);
    case 'list':
      return new ManagedList(init as unknown[]);
    case 'namespace':
      return new ManagedNamespace(init as Record<string, unknown>);
  }
  throw new ArgumentTypeError(`a Manager cannot make a '${String(kind)}'`);
}
