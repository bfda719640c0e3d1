/** Running one task inside a worker (thread or process): the same for both. */
import type { TaskKind } from '../internal/pool/engine.js';
import type { FnSpec } from '../internal/ship/shipped.js';
import { loadFn } from './load-fn.js';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** Calls `fn` as the task kind says; an async fn is awaited item by item, as Python's pools run one item at a time. */
export async function runItems(fn: Function, kind: TaskKind, items: unknown[]): Promise<unknown> {
  if (kind === 'apply') return await fn(...items);
  const out = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) {
    let result = kind === 'map' ? fn(items[i]) : fn(...(items[i] as unknown[]));
    if (isThenable(result)) result = await result;
    out[i] = result;
  }
  return out;
}

/** A worker's functions by the number its pool gave them; each is loaded once. */
export class FnCache {
  readonly #fns = new Map<number, Promise<Function>>();

  get(id: number, spec: () => FnSpec): Promise<Function> {
    let fn = this.#fns.get(id);
    if (!fn) {
      fn = loadFn(spec());
      this.#fns.set(id, fn);
      // A module that failed to load is tried again by the next task that names it.
      fn.catch(() => this.#fns.delete(id));
    }
    return fn;
  }
}
