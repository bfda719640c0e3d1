/**
 * A thread's side of its hub (protocol.ts). Created when the thread first
 * starts a Process or a process pool, stopped when nothing uses it any more.
 * Events are read with receiveMessageOnPort whenever the thread asks (so a
 * busy loop sees them) and also delivered by the port's 'message' listener
 * on the event loop (so awaits resolve); both take from the same queue.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { entryFile } from '../entry-file.js';
import { processHooks } from '../host/processes.js';
import { threadHooks } from '../host/threads.js';
import { processDepth } from '../spawn-guard.js';
import { trackWorker } from '../workers.js';
import type { HubCommand, HubEvent, HubInit } from './protocol.js';

const ENTRY = entryFile('hub');

/** How long an unused hub waits for a new user before it stops. */
const HUB_LINGER_MS = 250;

/** Pools and processes hear about their own events by id; 'hub-failed' goes to all. */
export type HubListener = (event: HubEvent | { t: 'hub-failed'; reason: string }) => void;

/** Ids for pools, processes and requests: unique in this thread. */
let lastId = 0;
export function nextHubId(): number {
  return ++lastId;
}

/** Every child process alive that a hub of this thread started (to kill at exit, and for tests). */
const livePids = new Set<number>();
/** Spare children (spare.ts): killed at exit too, but not this thread's children until given work. */
const sparePids = new Set<number>();

process.on('exit', () => {
  for (const pid of [...livePids, ...sparePids]) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
});

export class HubClient {
  readonly #worker: Worker;
  readonly #events: MessagePort;
  readonly #mail = new Int32Array(new SharedArrayBuffer(4));
  #seen = 0;
  readonly #listeners = new Map<number, HubListener>();
  readonly #replies = new Map<number, unknown>();
  #users = 0;
  #holds = 0;
  stopped = false;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.#events = port1;
    const init: HubInit = {
      events: port2, mail: this.#mail.buffer as SharedArrayBuffer, depth: processDepth(), maxDepth: processHooks.maxProcessDepth, preload: threadHooks.threadPreload,
    };
    this.#worker = new Worker(ENTRY, { workerData: { loomHub: init }, transferList: [port2], name: 'loom hub' });
    // The hub never keeps the process alive by itself: what is waited for (a task, a non-daemon process) holds it.
    this.#worker.unref();
    trackWorker(this.#worker);
    this.#events.on('message', (events: HubEvent[]) => this.#dispatchAll(events));
    this.#events.unref();
    this.#worker.on('error', (error) => this.#failed(`the hub thread failed: ${error.message}`));
    this.#worker.on('exit', (code) => {
      if (!this.stopped) this.#failed(`the hub thread exited (code ${code})`);
    });
  }

  #failed(reason: string): void {
    this.stopped = true;
    for (const listener of [...this.#listeners.values()]) listener({ t: 'hub-failed', reason });
  }

  #dispatchAll(events: HubEvent[]): void {
    for (const event of events) this.#dispatch(event);
  }

  #dispatch(event: HubEvent): void {
    switch (event.t) {
      case 'reply':
        this.#replies.set(event.req, event.value);
        return;
      case 'spawned':
        if (event.spare) sparePids.add(event.pid);
        else {
          sparePids.delete(event.pid);
          livePids.add(event.pid);
        }
        return;
      case 'reaped':
        livePids.delete(event.pid);
        sparePids.delete(event.pid);
        return;
      case 'proc-finished':
      case 'proc-exit':
        return this.#listeners.get(event.proc)?.(event);
      default:
        return this.#listeners.get(event.pool)?.(event);
    }
  }

  /**
   * Commands go out in batches: one message per turn of this thread rather than
   * one per task (a map of many small tasks sends them all at once). The batch
   * leaves at the next microtask, or before this thread reads or waits.
   */
  send(command: HubCommand, transfer: ArrayBuffer[] = []): void {
    // A child gets the environment and directory of its start() (protocol.ts SpawnContext).
    if (command.t === 'proc-start' || command.t === 'pool-open') command.context = { env: { ...process.env }, cwd: process.cwd() };
    this.#outbox.push(command);
    for (const buffer of transfer) this.#outboxTransfer.push(buffer);
    if (this.#outbox.length === 1) queueMicrotask(() => this.flush());
  }

  readonly #outbox: HubCommand[] = [];
  readonly #outboxTransfer: ArrayBuffer[] = [];

  flush(): void {
    if (this.#outbox.length === 0) return;
    this.#worker.postMessage(this.#outbox.splice(0), this.#outboxTransfer.splice(0));
  }

  /** Takes in every event that has arrived (sending what is waiting to go first). */
  drain(): void {
    this.flush();
    this.#seen = Atomics.load(this.#mail, 0);
    for (;;) {
      const received = receiveMessageOnPort(this.#events);
      if (!received) return;
      this.#dispatchAll(received.message as HubEvent[]);
    }
  }

  /** Blocks this thread until an event arrives after the last drain(), or `ms` pass. */
  sleep(ms: number): void {
    this.flush();
    Atomics.wait(this.#mail, 0, this.#seen, ms);
  }

  /** Sends a command that the hub answers, and blocks this thread for the answer (a few tens of microseconds). */
  request(command: HubCommand & { req: number }): unknown {
    this.send(command);
    for (;;) {
      this.drain();
      if (this.#replies.has(command.req)) {
        const value = this.#replies.get(command.req);
        this.#replies.delete(command.req);
        return value;
      }
      if (this.stopped) return undefined;
      this.sleep(1000);
    }
  }

  listen(id: number, listener: HubListener): void {
    this.#listeners.set(id, listener);
  }

  unlisten(id: number): void {
    this.#listeners.delete(id);
  }

  /** A pool or process starts using the hub. */
  acquire(): void {
    this.#users++;
    clearTimeout(this.#linger);
  }

  #linger: NodeJS.Timeout | undefined;

  /**
   * ...and is done with it: the last one stops the hub (its children have all
   * exited by then), a moment later, so that starting one process after
   * another does not start a hub each time.
   */
  release(): void {
    if (--this.#users > 0 || this.stopped) return;
    this.#linger = setTimeout(() => {
      if (this.#users > 0 || this.stopped) return;
      this.stopped = true;
      if (current === this) current = undefined;
      // The hub ends its thread itself once its children (its spare) have exited: terminate()
      // would end it at once, leaving a spare to notice through its lifeline a moment later.
      this.#worker.postMessage([{ t: 'stop' } satisfies HubCommand]);
    }, HUB_LINGER_MS);
    this.#linger.unref();
  }

  /** Keep the process alive while something waits on the hub (tasks out, a non-daemon process running). */
  hold(): void {
    if (this.#holds++ === 0) this.#events.ref();
  }

  unhold(): void {
    if (--this.#holds === 0) this.#events.unref();
  }
}

let current: HubClient | undefined;

/** This thread's hub, started on first use. */
export function hubClient(): HubClient {
  if (!current || current.stopped) current = new HubClient();
  return current;
}

/** Pids of the child processes this thread's hubs have started and not yet seen exit. */
export function liveChildPids(): number[] {
  return [...livePids];
}
