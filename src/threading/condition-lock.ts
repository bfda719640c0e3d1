/**
 * What a Condition needs from its lock (Python's `_is_owned`,
 * `_release_save`, `_acquire_restore`): Lock and RLock implement it, so a
 * Condition can wait on either and restore an RLock's recursion depth.
 * `owner` is whose ownership counts: this thread's by default, a child
 * process's when the hub waits on its behalf (internal/share/served.ts).
 */
import type { Waiting } from '../internal/wait.js';

export const CONDITION_LOCK: unique symbol = Symbol('loom.conditionLock') as never;

export interface ConditionLock {
  isOwned(owner?: number): boolean;
  /** Releases completely; returns what restore needs (an RLock's depth). */
  releaseSave(owner?: number): number;
  acquireRestore(saved: number, owner?: number): Waiting<boolean>;
}

export interface HasConditionLock {
  [CONDITION_LOCK]: ConditionLock;
}

export function hasConditionLock(value: unknown): value is HasConditionLock {
  return typeof value === 'object' && value !== null && CONDITION_LOCK in value;
}
