/**
 * What runs inside each loom thread: boot, rebuild the Thread object, run
 * it, send back its fields and error, mark it finished. The reply is posted
 * before STATE becomes FINISHED, so a starter that sees FINISHED (even in a
 * busy loop) can read the reply at once with receiveMessageOnPort.
 */
import { workerData } from 'node:worker_threads';
import { WorkerDiedError } from '../errors.js';
import { reviveThread } from './revive-thread.js';
import { serializeError } from '../internal/error-wire.js';
import { threadHooks } from '../internal/host/threads.js';
import { loadKindsOnDemand } from './kinds.js';
import { reportErrorHere } from './report-error.js';
import { CONTROL, STATE_FINISHED, type DroppedField, type FinishedReply, type ThreadInit } from '../internal/thread/messages.js';
import { osThreadId } from '../internal/os-thread-id.js';
import { threadFinished } from '../internal/process-state.js';
import { encode } from '../internal/share/encode.js';
import { useDirectStdio } from './direct-stdio.js';
import { routeThreadOutputInChild } from './process-output.js';

const init = (workerData as { loom: ThreadInit }).loom;
const control = new Int32Array(init.control);

// In a child process whose output goes to its hub, so does this thread's; elsewhere, straight to fd 1 and 2.
if (!routeThreadOutputInChild() && init.stdio === 'direct') useDirectStdio();
Atomics.store(control, CONTROL.NATIVE_ID, osThreadId() ?? 0);
Atomics.store(control, CONTROL.BOOTED, 1);
Atomics.notify(control, CONTROL.BOOTED);
// The preloads reach the threads this thread starts too.
threadHooks.threadPreload = init.preload;
for (const file of init.preload) require(file);
// Shared objects in args load their modules as they arrive, and shipped code the loom modules it uses: not all of loom.
loadKindsOnDemand();

/** The object's own fields, encoded; fields that cannot travel are listed, not fatal. */
function fieldsOf(thread: object | undefined): { fields: Record<string, unknown>; dropped: DroppedField[] } {
  const fields: Record<string, unknown> = {};
  const dropped: DroppedField[] = [];
  for (const [field, value] of Object.entries(thread ?? {})) {
    try {
      fields[field] = encode(value, `this.${field}`);
    } catch (error) {
      dropped.push({ field, reason: (error as Error).message });
    }
  }
  return { fields, dropped };
}

function post(reply: FinishedReply): void {
  try {
    init.reply.postMessage(reply);
    return;
  } catch {
    // Some field is not cloneable (a function inside an object, a class with a native handle): find which.
  }
  for (const [field, value] of Object.entries(reply.fields)) {
    try {
      structuredClone(value);
    } catch (error) {
      delete reply.fields[field];
      reply.dropped.push({ field, reason: (error as Error).message });
    }
  }
  init.reply.postMessage(reply);
}

let finished = false;
function finish(reply: FinishedReply): void {
  if (finished) return;
  finished = true;
  post(reply);
  threadFinished();
  Atomics.store(control, CONTROL.STATE, STATE_FINISHED);
  Atomics.notify(control, CONTROL.STATE);
}

process.on('exit', (code) => {
  const error = new WorkerDiedError(`thread ${init.job.name} called process.exit(${code}) before run() returned`);
  finish({ type: 'finished', fields: {}, dropped: [], error: serializeError(error) });
});

async function main(): Promise<void> {
  let thread: object | undefined;
  try {
    const revived = reviveThread(init);
    thread = revived;
    await revived.run();
    finish({ type: 'finished', ...fieldsOf(thread) });
  } catch (error) {
    const reported = reportErrorHere(`Exception in thread ${init.job.name}:`, error);
    finish({ type: 'finished', ...fieldsOf(thread), error: serializeError(error), ...(reported ? { reported } : {}) });
  }
}

void main();
