/**
 * The one registry of shareable classes. A shareable object describes itself
 * as plain data holding its SharedArrayBuffers (`{kind: 'Lock', id, data}`); on
 * the other side of a thread boundary the registry turns that data back into
 * a live object over the same memory, so both sides see one Lock. Each thread
 * keeps one wrapper per object id, so a Lock sent twice, or sent back, is the
 * very same object (`===`) in the thread that receives it.
 */
import { nextSharedId } from '../process-state.js';

/** Method a shareable class implements to describe itself as cloneable data. */
export const SHARE: unique symbol = Symbol.for('loom.share') as never;

/** A shareable object as data: `data` must survive structured clone (SharedArrayBuffers do). */
export interface SharedForm {
  kind: string;
  /** Process-wide identity of the object (0 for kinds without identity, such as functions). */
  id: number;
  data: unknown;
}

/** Where a shared object is being sent: a thread of this process, or another process. */
export type ShareTarget = 'thread' | 'process';

export interface Shareable {
  /**
   * Describes the object for `target`. A kind that only threads can share
   * returns its SharedArrayBuffers anyway; encode() refuses that form for a
   * process with a message naming the argument.
   */
  [SHARE](target?: ShareTarget): SharedForm;
}

type Reviver = (data: unknown) => object;
const revivers = new Map<string, Reviver>();
const classes = new Map<string, new () => object>();
const live = new Map<number, WeakRef<object>>();
const forget = new FinalizationRegistry<number>((id) => {
  if (live.get(id)?.deref() === undefined) live.delete(id);
});
let adopting: { id: number; data: unknown } | undefined;

/**
 * Registers a class whose constructor starts with `adopt()`: when reviving, the
 * constructor is called with no arguments and `adopt()` hands it the data.
 */
export function registerShareable(kind: string, cls: new () => object): void {
  classes.set(kind, cls);
}

/** Registers a kind revived by a plain function (shipped functions). */
export function registerReviver(kind: string, revive: Reviver): void {
  revivers.set(kind, revive);
}

/**
 * Inside a shareable constructor: `{id, data}` when reviving, undefined for a
 * plain `new` (then the object gets a fresh id). Taking it clears it, so nested
 * constructions don't see it.
 */
export function adopt<T>(): { id: number; data: T | undefined } {
  const taken = adopting;
  adopting = undefined;
  return taken ? { id: taken.id, data: taken.data as T } : { id: nextSharedId(), data: undefined };
}

/** Records `object` as this thread's wrapper for `id`. Call from the constructor of every shareable. */
export function remember(id: number, object: object): void {
  live.set(id, new WeakRef(object));
  forget.register(object, id);
}

export function isShareable(value: unknown): value is Shareable {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Shareable>)[SHARE] === 'function';
}

let loadKind: ((kind: string) => void) | undefined;

/**
 * Sets how this thread loads the module of a kind it has not loaded yet
 * (entry/kinds.ts), so that a worker need not load all of loom when it starts.
 */
export function setKindLoader(load: (kind: string) => void): void {
  loadKind = load;
}

export function canRevive(kind: string): boolean {
  if (!classes.has(kind) && !revivers.has(kind)) loadKind?.(kind);
  return classes.has(kind) || revivers.has(kind);
}

export function revive(form: SharedForm): object {
  const existing = form.id ? live.get(form.id)?.deref() : undefined;
  if (existing) return existing;
  canRevive(form.kind);
  const cls = classes.get(form.kind);
  if (cls) {
    adopting = { id: form.id, data: form.data };
    try {
      return new cls();
    } finally {
      adopting = undefined;
    }
  }
  const reviver = revivers.get(form.kind);
  if (!reviver) throw new Error(`loom cannot revive a shared ${form.kind} here: its module was not loaded in this thread`);
  return reviver(form.data);
}
