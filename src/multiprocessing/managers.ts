/**
 * multiprocessing.Manager(): a dedicated worker thread holding dicts, lists
 * and Namespaces that every thread of this process and every child process
 * reaches through proxies (Python runs a server process; loom a thread of
 * the creating process, which children reach through that thread's hub).
 */
import { Worker } from 'node:worker_threads';
import { ManagerStateError, NotShippableError } from '../errors.js';
import { entryFile } from '../internal/entry-file.js';
import { nextSharedId } from '../internal/process-state.js';
import { adopt, registerShareable, remember, revive, SHARE, type Shareable, type SharedForm, type ShareTarget } from '../internal/share/registry.js';
import { optionsObject, typeError } from '../internal/validate.js';
import { trackWorker } from '../internal/workers.js';
import { Queue as ThreadQueue } from '../queue/queue.js';
import { Barrier, type BarrierOptions } from '../threading/barrier.js';
import { Condition } from '../threading/condition.js';
import { Event } from '../threading/event.js';
import { Lock } from '../threading/lock.js';
import { RLock } from '../threading/rlock.js';
import { BoundedSemaphore, Semaphore } from '../threading/semaphore.js';
import { DictProxy, dictPairs, type DictInit } from './dict-proxy.js';
import { ListProxy } from './list-proxy.js';
import { CONTROL, REQUEST_RING, RUNNING, type ManagerAddress } from './manager-address.js';
import { clientOf, markEnded, markShutDown, stoppedError } from './manager-client.js';
import type { DictKey } from './manager-keys.js';
import type { ManagedKind } from './manager-objects.js';
import { refuseShared } from './manager-wire.js';
import type { Namespace } from './namespace-proxy.js';
// Registers the Namespace kind, which Namespace() revives (its class stays behind its Proxy).
import './namespace-proxy.js';
import { JoinableQueue, Queue } from './queues.js';
import { SharedArray, Value, type SharedOptions, type Typecode } from './sharedctypes.js';
import type { QueueOptions } from '../queue/options.js';

/**
 * A manager, like Python's `multiprocessing.managers.SyncManager`: make one
 * with `Manager()` (started) or `new SyncManager()` and `start()`. Its
 * `dict()`, `list()` and `Namespace()` live in the manager's own worker
 * thread and give proxies that work from every thread of this process
 * (Thread, ThreadPool) and every child process (Process, Pool tasks,
 * ProcessPoolExecutor) they are handed to, and can be passed on between them.
 * Each proxy call blocks its caller for one round trip to the manager.
 *
 * Its `Lock()`, `RLock()`, `Semaphore()`, `BoundedSemaphore()`,
 * `Condition()`, `Event()`, `Barrier()`, `Queue()`, `JoinableQueue()`,
 * `Value()` and `Array()` give loom's own objects, not proxies: they already
 * work across threads (shared memory) and child processes (served by the
 * hub), at the cost of a memory access rather than a round trip from a
 * thread, and behave the same whether or not a manager made them. Python
 * returns proxies because its threading objects cannot leave a process.
 *
 * `shutdown()` (or `using m = Manager()`, or `await using`) stops the
 * manager's thread; a proxy used afterwards throws ManagerStateError, as
 * Python's raises. A manager never keeps a script from exiting: its thread
 * ends with the process, as Python's manager process is shut down at exit.
 * Objects live until the manager shuts down (Python frees each when its last
 * proxy goes). Each thread that calls a manager keeps a reply queue (256 KiB
 * of shared memory) for it while the manager runs.
 *
 * @example
 * ```ts
 * using m = Manager();
 * const d = m.dict<string, number>();
 * const lock = m.Lock();
 * const p = new Process({ target: (d, lock) => { using _ = lock.holdSync(); d.set('n', (d.get('n') ?? 0) + 1); }, args: [d, lock] });
 * p.start();
 * await p.join();
 * console.log(d.get('n')); // 1
 * ```
 */
export class SyncManager implements Shareable, Disposable, AsyncDisposable {
  readonly #id: number;
  #address: ManagerAddress | undefined;
  /** The manager's thread, in the thread that started it. */
  #worker: Worker | undefined;
  #exited: Promise<void> | undefined;

  constructor() {
    const { id, data } = adopt<ManagerAddress>();
    this.#id = id;
    this.#address = data;
    remember(id, this);
  }

  /** Starts the manager's thread (Manager() does it for you). Throws ManagerStateError when already started. */
  start(): this {
    if (this.#address) throw new ManagerStateError('the Manager was already started');
    const requests = new ThreadQueue<Buffer>({ byteCapacity: REQUEST_RING });
    const control = new SharedArrayBuffer(CONTROL.CELLS * 4);
    const address: ManagerAddress = { id: this.#id, requests: requests[SHARE](), control, channel: `loom.manager.${process.pid}.${this.#id}` };
    const worker = new Worker(entryFile('manager'), { workerData: { loomManager: address }, name: 'loom manager' });
    trackWorker(worker);
    // Never what keeps a script alive; it ends with the process (Python shuts its manager down at exit).
    worker.unref();
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.once('exit', () => markEnded(control));
    worker.on('error', () => markEnded(control));
    this.#address = address;
    this.#worker = worker;
    return this;
  }

  #running(): ManagerAddress {
    const address = this.#address;
    if (!address) throw new ManagerStateError('the Manager is not started: call start(), or make it with Manager()');
    const state = Atomics.load(new Int32Array(address.control), CONTROL.STATE);
    if (state !== RUNNING) throw stoppedError(state);
    return address;
  }

  #make<P>(kind: ManagedKind, shareKind: string, init: unknown): P {
    const address = this.#running();
    refuseShared(init, 'init');
    const object = clientOf(address).callSync(0, 'create', [kind, init]) as number;
    return revive({ kind: shareKind, id: nextSharedId(), data: { address, object } }) as P;
  }

  /**
   * Stops the manager, blocking this thread until it has answered: its
   * proxies throw ManagerStateError from now on. A second call does nothing
   * (as Python's). The thread ends right after (`shutdown()` waits for that).
   */
  shutdownSync(): void {
    const address = this.#address;
    if (!address) return;
    const control = new Int32Array(address.control);
    if (Atomics.load(control, CONTROL.STATE) === RUNNING) {
      try {
        clientOf(address).callSync(0, 'shutdown', []);
      } catch (error) {
        if (!(error instanceof ManagerStateError)) throw error;
      }
      markShutDown(address.control);
    }
  }

  /** Stops the manager (see shutdownSync) and resolves once its thread has exited. */
  async shutdown(): Promise<void> {
    this.shutdownSync();
    // Waiting for the exit keeps this process alive (the thread itself never does).
    this.#worker?.ref();
    await this.#exited;
  }

  /** `using m = Manager()`: shuts the manager down at the end of the block. */
  [Symbol.dispose](): void {
    this.shutdownSync();
  }

  /** `await using m = Manager()`: shuts the manager down and waits for its thread to exit. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** A new dict in the manager, filled from `init` (a Map, a plain object, `[key, value]` pairs, a DictProxy). */
  dict<K extends DictKey = DictKey, V = unknown>(init?: DictInit<K, V>): DictProxy<K, V> {
    const pairs = dictPairs(init);
    return this.#make('dict', 'mp.DictProxy', pairs);
  }

  /** A new list in the manager, filled from `init` (any iterable, a ListProxy). */
  list<T = unknown>(init?: Iterable<T>): ListProxy<T> {
    if (init !== undefined && (init === null || typeof (init as Iterable<T>)[Symbol.iterator] !== 'function')) throw typeError('init', 'an iterable', init);
    const items = init instanceof ListProxy ? init.copy() : init === undefined ? [] : [...init];
    return this.#make('list', 'mp.ListProxy', items);
  }

  /** A new Namespace in the manager, with the properties of `init`: `ns.x = 1` and `ns.x` from every thread and process. */
  Namespace<T extends object = Record<string, any>>(init?: Partial<T>): Namespace<T> {
    const fields = { ...optionsObject<T>('init', init) };
    return this.#make('namespace', 'mp.Namespace', fields);
  }

  /** A multiprocessing Queue (loom's own, not a proxy: see the class comment). */
  Queue<T = unknown>(options?: number | QueueOptions): Queue<T> {
    this.#running();
    return new Queue<T>(options);
  }

  /** A multiprocessing JoinableQueue (loom's own). */
  JoinableQueue<T = unknown>(options?: number | QueueOptions): JoinableQueue<T> {
    this.#running();
    return new JoinableQueue<T>(options);
  }

  /** A Lock (loom's own, which works across threads and processes). */
  Lock(): Lock {
    this.#running();
    return new Lock();
  }

  /** An RLock (loom's own). */
  RLock(): RLock {
    this.#running();
    return new RLock();
  }

  /** A Semaphore (loom's own). */
  Semaphore(value?: number): Semaphore {
    this.#running();
    return new Semaphore(value);
  }

  /** A BoundedSemaphore (loom's own). */
  BoundedSemaphore(value?: number): BoundedSemaphore {
    this.#running();
    return new BoundedSemaphore(value);
  }

  /** A Condition (loom's own), over `lock` or a new RLock. */
  Condition(lock?: Lock | RLock): Condition {
    this.#running();
    return new Condition(lock);
  }

  /** An Event (loom's own). */
  Event(): Event {
    this.#running();
    return new Event();
  }

  /** A Barrier (loom's own). */
  Barrier(parties: number, options?: BarrierOptions): Barrier {
    this.#running();
    return new Barrier(parties, options);
  }

  /** A multiprocessing Value (loom's own: shared memory, with a lock unless `{lock: false}`). */
  Value<T extends number | bigint = number>(typecode: Typecode, value?: T, options?: SharedOptions): Value<T> {
    this.#running();
    return new Value<T>(typecode, value, options);
  }

  /** A multiprocessing Array (loom's own): `size` zeros or the numbers of `items`. */
  Array<T extends number | bigint = number>(typecode: Typecode, sizeOrItems: number | Iterable<T>, options?: SharedOptions): SharedArray<T> {
    this.#running();
    return new SharedArray<T>(typecode, sizeOrItems as number | Iterable<NoInfer<T>>, options);
  }

  /** @internal Threads of this process get the manager itself; processes get its proxies only. */
  [SHARE](target?: ShareTarget): SharedForm {
    if (target === 'process') {
      throw new NotShippableError('a Manager reaches the threads of the process that made it; pass its proxies (m.dict(), m.list(), m.Namespace()) and objects to a child process instead');
    }
    if (!this.#address) throw new ManagerStateError('the Manager is not started: call start() before passing it to a thread');
    return { kind: 'mp.SyncManager', id: this.#id, data: this.#address };
  }
}

registerShareable('mp.SyncManager', SyncManager);

/**
 * Python's `multiprocessing.Manager()`: a started SyncManager. Use it with
 * `using` (or `await using`, or call `shutdown()`) so its thread stops when
 * you are done.
 */
export function Manager(): SyncManager {
  return new SyncManager().start();
}
