/**
 * What runs inside each thread of a ThreadPool or ThreadPoolExecutor. piscina
 * loads this module in every worker it creates; the module then runs loom's
 * loop: take a task from the shared ring (blocking while there is none), run
 * it, put the result in the other ring. Piscina's own task messages are never
 * used (see internal/pool/thread-engine.ts for why).
 */
import { threadId, workerData } from 'node:worker_threads';
import { BrokenWorkerError, NotShippableError } from '../errors.js';
import { packedBytes, type Serialized } from '../internal/ring/codec.js';
import { QueueCore } from '../internal/ring/queue-core.js';
import { currentThread } from '../threading/current.js';
import { serializeError, type SerializedError } from '../internal/error-wire.js';
import { outputHooks } from '../internal/host/output.js';
import { threadHooks } from '../internal/host/threads.js';
import { loadKindsOnDemand } from './kinds.js';
import { loadFn } from './load-fn.js';
import { FnCache, runItems } from './run-task.js';
import { REGISTERED, SLOT_CELLS, SLOTS, type PoolThreadInit, type ResultMessage, type TaskMessage } from '../internal/pool/thread-messages.js';
import { ThreadWire } from '../internal/pool/thread-wire.js';
import { decode } from '../internal/share/encode.js';
import { runSync } from '../internal/wait.js';
import { useDirectStdio } from './direct-stdio.js';
import { routeThreadOutputInChild } from './process-output.js';

const init = (workerData as { loomPool: PoolThreadInit }).loomPool;
// In a child process whose output goes to its hub, so does this thread's; elsewhere, straight to fd 1 and 2.
if (!routeThreadOutputInChild() && init.stdio === 'direct') useDirectStdio();
// The preloads reach the threads this thread starts too.
threadHooks.threadPreload = init.preload;
for (const file of init.preload) require(file);
// Shared objects in tasks load their modules as they arrive, and shipped code the loom modules it uses: not all of loom.
loadKindsOnDemand();

const tasks = new QueueCore(init.tasks);
const results = new QueueCore(init.results);
const control = new Int32Array(init.control);
const wire = new ThreadWire(init.channel);
const fns = new FnCache();
const NONE = Symbol('none');
let slot = -1;
/** The task this thread runs now (0: none). */
let current = 0;

/** After the channel is open (module load): the pool announces shared buffers only once every worker has a slot. */
function claimSlot(): number {
  for (let s = 0; s < SLOTS; s++) {
    if (Atomics.compareExchange(control, s * SLOT_CELLS, 0, threadId) === 0) {
      Atomics.add(control, REGISTERED, 1);
      Atomics.notify(control, REGISTERED);
      return s;
    }
  }
  throw new Error('loom: no free worker slot in the pool');
}

function put(message: ResultMessage): void {
  let bytes: Buffer;
  try {
    bytes = wire.encodeResult(message);
  } catch (error) {
    const why = new NotShippableError(`the task's result cannot be sent back to the pool: ${(error as Error).message}`, { cause: error });
    bytes = wire.encodeResult({ i: message.i, ok: false, v: serializeError(why) });
  }
  const packed = packedBytes(bytes);
  if (!results.tryPut(packed)) runSync(results.putSteps(packed, Infinity));
}

// process.exit() inside a task ends this thread: the task fails with BrokenWorkerError at once.
process.on('exit', (code) => {
  if (current !== 0) put({ i: current, ok: false, broken: `the worker thread running this task called process.exit(${code})` });
});

async function initialize(): Promise<SerializedError | undefined> {
  if (!init.initializer) return undefined;
  try {
    const initializer = await loadFn(init.initializer);
    await initializer(...(decode(structuredClone(init.initargs)) as unknown[]));
    return undefined;
  } catch (error) {
    return serializeError(new BrokenWorkerError(`the pool's initializer threw in this worker: ${(error as Error)?.message ?? String(error)}`, { cause: error }));
  }
}

function take(): TaskMessage & { error?: unknown } {
  let raw = tasks.tryGet(NONE, true);
  if (raw === NONE) raw = runSync(tasks.getSteps(Infinity, true));
  return wire.decodeTask((raw as Serialized).bytes);
}

async function run(task: TaskMessage & { error?: unknown }): Promise<ResultMessage> {
  try {
    // Its output goes where it was submitted, whichever cell created the pool.
    outputHooks.enterOutputTag(task.t === '' ? undefined : task.t);
    if (task.error !== undefined) throw task.error;
    const fn = await fns.get(task.f, () => wire.fnSpec(task.f));
    const value = await runItems(fn, task.k, task.x as unknown[]);
    return { i: task.i, ok: true, v: value };
  } catch (error) {
    return { i: task.i, ok: false, v: serializeError(error) };
  }
}

async function loop(): Promise<void> {
  slot = claimSlot();
  currentThread().name = `${init.name}_${slot}`;
  const initError = await initialize();
  for (;;) {
    const task = take();
    current = task.i;
    Atomics.store(control, slot * SLOT_CELLS + 1, task.i);
    const result = initError ? { i: task.i, ok: false, v: initError } : await run(task);
    // Negated while the result goes into the ring: an interrupt then leaves this thread alone (it
    // would die holding the ring's lock) and takes the result instead.
    Atomics.store(control, slot * SLOT_CELLS + 1, -task.i);
    // The result first, then the slot: a thread that dies in between has its result delivered anyway.
    put(result);
    Atomics.store(control, slot * SLOT_CELLS + 1, 0);
    current = 0;
  }
}

// After piscina has finished starting this worker (it awaits this module's loading).
setImmediate(() => void loop());

/** Piscina requires a handler export; loom never sends piscina tasks. */
export default function loomPoolThread(): void {}
