/**
 * What runs in every loom child process (internal/hub/protocol.ts lists its
 * file descriptors). It never loads the parent's script: it reads its INIT
 * frame, then either runs one Process (mode 'process') or serves pool tasks
 * until told to stop (mode 'pool').
 */
// First, before the rest of loom loads: the lifeline, and the helper thread that watches it.
import { endIfOrphaned, outbox } from './process-lifeline.js';
import { deserialize, serialize } from 'node:v8';
import { BrokenWorkerError, NotShippableError } from '../errors.js';
import { serializeError } from '../internal/error-wire.js';
import { setChildChannel, workEnded } from '../internal/hub/child-channel.js';
import { SyncChannel, type Frame } from '../internal/hub/frames.js';
import { Outbox } from '../internal/hub/outbox.js';
import { CONTROL_FD, F, type ChildInit, type PoolWorkerInit, type ProcessInit } from '../internal/hub/protocol.js';
import { processHooks } from '../internal/host/processes.js';
import { threadHooks } from '../internal/host/threads.js';
import { lazy } from '../internal/lazy.js';
import { loadKindsOnDemand } from './kinds.js';
import type { FnSpec } from '../internal/ship/shipped.js';
import { inboundFromProcess, KINDS, readFromProcess, writeForProcess } from '../internal/pool/process-wire.js';
import { Reader, Writer } from '../internal/wire-codec.js';
import { enterChildTag, routeChildOutput } from './process-output.js';
import { reportErrorHere } from './report-error.js';

// fd 3 closed: the parent's hub is gone, and so is the reason to be here.
const channel = new SyncChannel(CONTROL_FD, new Outbox(outbox, CONTROL_FD), () => process.exit(70));
setChildChannel(channel);

/**
 * Required at first use: a child that runs one Process needs none of the
 * pool's side, and a pool's worker never rebuilds a Process.
 */
const processSide = lazy<typeof import('./revive-process.js')>(() => require('./revive-process.js'));
const poolSide = {
  current: lazy<typeof import('../multiprocessing/current.js')>(() => require('../multiprocessing/current.js')),
  load: lazy<typeof import('./load-fn.js')>(() => require('./load-fn.js')),
  run: lazy<typeof import('./run-task.js')>(() => require('./run-task.js')),
};

// Registered before anything a spare loads ahead (below), so that a spare's exit handlers run in a fresh child's order.
process.on('exit', () => {
  try {
    workEnded();
    channel.flush();
  } catch {
    // The parent is gone: nobody to hand them to.
  }
});

let first = channel.read();
if (first.kind === F.SPARE) {
  // A spare (internal/hub/spare.ts): it loads, while it waits, what the work it will probably get needs.
  if (first.a === 1) {
    poolSide.current();
    poolSide.load();
    poolSide.run();
  } else processSide();
  channel.write(F.SPARE_READY, 0, 0);
  first = channel.read();
}
if (first.kind !== F.INIT) throw new Error(`loom child: expected INIT, got frame kind ${first.kind}`);
const init = deserialize(first.body) as ChildInit;
// Its work may have waited in the pipe while Node booted (a fresh child's INIT is sent at its spawn).
endIfOrphaned();
routeChildOutput(channel, init.tag, outbox);
// The preloads reach this child's own children too.
processHooks.processPreload = init.preload;
for (const file of init.preload) require(file);
threadHooks.threadStdio = init.threadStdio;
// Shared objects load their modules as they arrive, and shipped code the loom modules it uses: not all of loom.
loadKindsOnDemand();

async function runProcess(job: ProcessInit): Promise<void> {
  // Booted: the hub spawns its next spare child now, not while this one was still booting.
  channel.write(F.READY, 0, 0);
  try {
    const proc = processSide().reviveProcess(job.job, job.identity);
    endIfOrphaned();
    await proc.run();
    workEnded();
    channel.write(F.FINISHED, 0, 0);
  } catch (error) {
    workEnded();
    const reported = reportErrorHere(`Exception in process ${job.job.name} (pid ${process.pid}):`, error);
    channel.write(F.FINISHED, reported ? 1 : 0, 1, serialize(serializeError(error)));
    process.exitCode = 1;
  }
  // Then the process ends as a Node script does: when nothing is left to do.
}

async function runPool(worker: PoolWorkerInit): Promise<void> {
  const { setCurrentProcess } = poolSide.current();
  const { loadFn } = poolSide.load();
  const { FnCache, runItems } = poolSide.run();
  setCurrentProcess({ name: worker.name, daemon: true }, worker.identity);
  let initError: Uint8Array | undefined;
  if (worker.initializer) {
    try {
      const initializer = await loadFn(worker.initializer);
      await initializer(...(inboundFromProcess(worker.initargs) as unknown[]));
    } catch (error) {
      const broken = new BrokenWorkerError(`the pool's initializer threw in this worker: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      initError = serialize(serializeError(broken));
    }
  }
  channel.write(F.READY, 0, initError ? 1 : 0, initError);
  const specs = new Map<number, FnSpec>();
  const fns = new FnCache();
  const writer = new Writer();
  for (;;) {
    const received: Frame = channel.read();
    if (received.kind === F.STOP) break;
    if (received.kind === F.DEFINE) {
      specs.set(received.a, deserialize(received.body) as FnSpec);
      continue;
    }
    if (received.kind !== F.TASK) continue;
    if (initError) {
      channel.write(F.RESULT, received.a, 1, initError);
      continue;
    }
    let body: Uint8Array;
    let failed = 0;
    try {
      const reader = new Reader(received.body);
      const kind = KINDS[reader.u8()];
      const tag = reader.string();
      enterChildTag(tag === '' ? undefined : tag);
      const items = readFromProcess(reader) as unknown[];
      const fn = await fns.get(received.b, () => specs.get(received.b)!);
      const value = await runItems(fn, kind, items);
      try {
        body = writeForProcess(writer.reset(), value, 'result').take();
      } catch (error) {
        throw new NotShippableError(`the task's result cannot be sent back to the pool: ${(error as Error).message}`, { cause: error });
      }
    } catch (error) {
      failed = 1;
      body = serialize(serializeError(error));
    }
    workEnded();
    channel.write(F.RESULT, received.a, failed, body);
  }
  process.exit(0);
}

void (init.mode === 'process' ? runProcess(init) : runPool(init));
