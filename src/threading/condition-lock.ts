/**
 * What a Condition needs from its lock (Python's `_is_owned`,
 * `_release_save`, `_acquire_restore`): Lock and RLock implement it, so a
 * Condition can wait on either and restore an RLock's recursion depth.
 */
import type { Waiting } from '../internal/wait.js';

export const CONDITION_LOCK: unique symbol = Symbol('loom.conditionLock') as never;

export interface ConditionLock {
  isOwned(): boolean;
  /** Releases completely; returns what restore needs (an RLock's depth). */
  releaseSave(): number;
  acquireRestore(saved: number): Waiting<boolean>;
}

export interface HasConditionLock {
  [CONDITION_LOCK]: ConditionLock;
}

export function hasConditionLock(value: unknown): value is HasConditionLock {
  return typeof value === 'object' && value !== null && CONDITION_LOCK in value;
}
