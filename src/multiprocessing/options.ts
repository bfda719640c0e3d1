/** Options of the pools and their calls, documented once. */
import type { ResourceLimits } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { ProgressOption } from '../display/map-progress.js';
import type { PoolBackend } from '../internal/pool/backend.js';
import { fnSpec, type TaskFunction } from '../internal/pool/fn-ref.js';
import type { FnSpec } from '../internal/ship/shipped.js';
import { optionsObject, typeError, valueError } from '../internal/validate.js';

export interface PoolOptions {
  /**
   * How many worker processes. Python's `Pool(processes)`.
   * @default cpuCount()
   */
  processes?: number;
  /**
   * Runs once in each worker before its first task, as `initializer(...initargs)`:
   * a self-contained function or `{filename, name}`. If it throws, every task
   * that reaches that worker fails with BrokenWorkerError (the error as its cause).
   * @default undefined
   */
  initializer?: TaskFunction;
  /** Arguments for `initializer`; they may hold multiprocessing Queues. @default [] */
  initargs?: unknown[];
  /**
   * A worker exits after this many tasks (a chunk of a map counts as one) and a fresh
   * one takes its place, freeing whatever the tasks leaked. Undefined: workers live as long as the pool.
   * @default undefined
   */
  maxtasksperchild?: number;
  /**
   * Node options for the worker processes, e.g. `['--max-old-space-size=256']`.
   * @default the options this process was started with (process.execArgv), without --inspect flags
   */
  execArgv?: string[];
  /**
   * Where the tasks run: a cluster from `loom/distributed` (`cluster(url)`)
   * runs them on `loom worker` processes, on this machine or others, through
   * Redis. `processes` is then how many tasks are out at once.
   * @default undefined: this machine's child processes
   * @default processes with a backend: the slots of the workers connected now (at least 1)
   */
  backend?: PoolBackend;
}

export interface ThreadPoolOptions {
  /**
   * How many worker threads (Python's ThreadPool calls them processes too).
   * @default cpuCount()
   */
  processes?: number;
  /** Runs once in each worker thread before its first task, as `initializer(...initargs)`. @default undefined */
  initializer?: TaskFunction;
  /** Arguments for `initializer`; shared objects (Lock, Value, ...) arrive as themselves. @default [] */
  initargs?: unknown[];
  /** Heap limits for each worker thread (Node's Worker resourceLimits); a thread over its limit dies and its task fails. @default Node's */
  resourceLimits?: ResourceLimits;
}

export interface MapOptions extends ProgressOption {
  /**
   * Items per task: each task carries this many items to a worker and their results back.
   * @default map and starmap: items / (4 x workers), rounded up (Python's rule), the last quarter of
   * the items in chunks a quarter that size (see chunkEnds); imap: 1 (over an iterable that is not an
   * array, chunks are read as the workers need them: 2 per worker sent, at most 8 per worker ahead of the
   * results taken)
   */
  chunksize?: number;
}

export interface AsyncCallbacks<R> {
  /** Called with the result once it is there (on this thread, when it sees the result). @default undefined */
  callback?: (result: R) => void;
  /** Called with the error if the call fails. @default undefined */
  errorCallback?: (error: unknown) => void;
}

/** The parts of the pool options both pools share, checked. */
export interface CheckedPoolOptions {
  size: number;
  initializer: FnSpec | undefined;
  initargs: unknown[];
}

export function positiveInteger(argument: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(argument, 'a whole number', value);
  if (value < 1) throw valueError(argument, 'at least 1', value);
  return value;
}

/** `new Pool(4)` as in Python, or `new Pool({processes: 4, ...})`; `workers` says what the pool's workers are (the initializer is shipped for them). */
export function poolOptions<T extends PoolOptions | ThreadPoolOptions>(arg: unknown, sizeName: string, workers: 'thread' | 'process'): Partial<T> & CheckedPoolOptions {
  const options = typeof arg === 'number' ? ({ [sizeName]: arg } as Partial<T>) : optionsObject<T>('options', arg);
  const raw = options as PoolOptions;
  const size = positiveInteger(sizeName, (raw as Record<string, unknown>)[sizeName], cpuCount());
  const initializer = raw.initializer === undefined || raw.initializer === null ? undefined : fnSpec(raw.initializer, 'initializer', workers);
  if (raw.initargs !== undefined && !Array.isArray(raw.initargs)) throw typeError('initargs', 'an array of arguments', raw.initargs);
  return { ...options, size, initializer, initargs: raw.initargs ?? [] };
}

/** The number of CPUs this process may use (os.availableParallelism()), like Python's `cpu_count()`. */
export function cpuCount(): number {
  return availableParallelism();
}

/**
 * Where the chunks of `items` items end. A chunksize given (checked) cuts
 * even chunks. Without one, map and starmap follow Python's rule, items / (4 x
 * workers) rounded up, except that the last quarter of the items goes in
 * chunks a quarter that size: with tasks of uneven cost, the workers then
 * finish close together instead of one waiting on another's last big chunk
 * (the chapter's 13.4 factorisation gains about 5%; see bench/lib.ts).
 * `fallback` (imap's 1) replaces the rule.
 */
export function chunkEnds(options: MapOptions | number | undefined, items: number, workers: number, fallback?: number): number[] {
  const given = givenChunksize(options);
  const even = (size: number, from = 0): number[] => {
    const ends: number[] = [];
    for (let end = from + size; end < items; end += size) ends.push(end);
    return [...ends, items];
  };
  if (given !== undefined) return even(chunkSize(options, 1));
  if (fallback !== undefined) return even(fallback);
  const size = Math.max(1, Math.ceil(items / (workers * 4)));
  const head = Math.floor((items * 3) / 4 / size) * size;
  if (size < 4 || head === 0) return even(size);
  return [...even(size).filter((end) => end < head), head, ...even(Math.ceil(size / 4), head)].filter((end, i, all) => end > (all[i - 1] ?? 0));
}

function givenChunksize(options: MapOptions | number | undefined): unknown {
  return typeof options === 'number' ? options : optionsObject<MapOptions>('options', options).chunksize;
}

/** The chunksize given (a number, or `{chunksize}`), checked; `fallback` when none is (a lazy imap's 1). */
export function chunkSize(options: MapOptions | number | undefined, fallback: number): number {
  return positiveInteger('chunksize', givenChunksize(options), fallback);
}
