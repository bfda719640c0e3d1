/**
 * The state behind an AsyncResult or a Future: pending until its engine
 * delivers an outcome. Asking (isSettled, waitSync) first takes in what the
 * engine has received, so the answer is true at once even in a thread that
 * never yields to its event loop.
 */
import { TimeoutError } from '../../errors.js';
import { placeRethrow } from '../error-wire.js';
import type { Engine, Outcome } from './engine.js';
import { waitSyncUntil } from './engine.js';

export type Status = 'pending' | 'fulfilled' | 'rejected' | 'cancelled';

export class Completion<T = unknown> {
  status: Status = 'pending';
  value: T | undefined;
  error: unknown;
  #listeners: (() => void)[] = [];
  #settled: Promise<void> | undefined;
  #resolve: (() => void) | undefined;

  constructor(readonly engine: Engine) {}

  /** Records the outcome (the first one wins); false when already settled. */
  settle(outcome: Outcome): boolean {
    if (this.status !== 'pending') return false;
    if (outcome.ok) {
      this.status = 'fulfilled';
      this.value = outcome.value as T;
    } else {
      this.status = 'rejected';
      this.error = outcome.error;
    }
    this.#fire();
    return true;
  }

  /** Settles as cancelled; false when already settled. */
  cancel(): boolean {
    if (this.status !== 'pending') return false;
    this.status = 'cancelled';
    this.#fire();
    return true;
  }

  #fire(): void {
    this.#resolve?.();
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }

  /** Calls `listener` once settled (at once if it is). */
  onSettled(listener: () => void): void {
    if (this.status !== 'pending') listener();
    else this.#listeners.push(listener);
  }

  /** Whether the outcome is known, after taking in what has arrived. */
  isSettled(): boolean {
    if (this.status === 'pending') this.engine.poll();
    return this.status !== 'pending';
  }

  /** Resolves once settled (never rejects). */
  whenSettled(): Promise<void> {
    if (this.status !== 'pending') return Promise.resolve();
    this.#settled ??= new Promise((resolve) => (this.#resolve = resolve));
    return this.#settled;
  }

  /** Blocks this thread until settled or `ms` pass; true when settled. */
  waitSync(ms: number): boolean {
    return this.status !== 'pending' || waitSyncUntil(this.engine, () => this.status !== 'pending', ms);
  }

  /** Resolves true once settled, false after `ms`. */
  async wait(ms: number): Promise<boolean> {
    if (this.isSettled()) return true;
    if (ms === Infinity) {
      await this.whenSettled();
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([this.whenSettled().then(() => true as const), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The value of a settled completion, or its error thrown (cancelled: `cancelled()`'s error). */
export function outcomeOf<T>(completion: Completion<T>, cancelled: () => Error): T {
  if (completion.status === 'fulfilled') return completion.value as T;
  if (completion.status === 'rejected') throw placeRethrow(completion.error);
  if (completion.status === 'cancelled') throw cancelled();
  throw new TimeoutError();
}
