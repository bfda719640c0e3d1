/**
 * An interrupt, told to every thread of this process. interruptWork(tag) in
 * one thread (the kernel's main thread) must reach the pools and Processes of
 * every other thread: those a cell's Thread made, two threads deep, in a pool
 * task. Each such thread holds its own (a thread pool's workers can only be
 * terminated by the thread that made them), so each must hear of it, even
 * while it blocks in `pool.mapSync` or polls `future.done()` in a loop, which
 * is when a user presses interrupt.
 *
 * Two ways to hear, both cheap until something is interrupted:
 * - a BroadcastChannel, opened (unref'd) by a thread once it holds tagged work
 *   and by every hub thread: its 'message' runs on the event loop, so an
 *   awaiting thread (and a hub, whose loop never blocks) hears at once;
 * - a bell, one Int32 cell of shared memory that every loom thread inherits
 *   (worker environment data): rung after each message, it is what a thread
 *   busy in a sync wait or a loop looks at in its pools' poll() (one atomic
 *   load); when it has rung, the thread takes the messages in there and then
 *   with receiveMessageOnPort, which reads the same queue as 'message'.
 *
 * A thread pool's owner blocked in `mapSync` sleeps on its results ring, which
 * the bell cannot wake: the thread engine sleeps in short slices while it holds
 * tagged tasks (thread-engine.ts). A hub wakes its owner itself (an event).
 */
import { BroadcastChannel, getEnvironmentData, receiveMessageOnPort, setEnvironmentData } from 'node:worker_threads';

const CHANNEL = 'loom:interrupt';
const BELL_KEY = 'loom:interrupt-bell';

/**
 * The process's bell: made by the first thread that loads this module, passed
 * to every worker created after that (environment data is copied into a new
 * worker; a SharedArrayBuffer stays shared). Loom's thread starters (agent.ts,
 * the engines, the hub client) load it, so their workers all have the same one.
 */
const bell: Int32Array = (() => {
  const inherited = getEnvironmentData(BELL_KEY);
  if (inherited instanceof SharedArrayBuffer) return new Int32Array(inherited);
  const made = new SharedArrayBuffer(4);
  setEnvironmentData(BELL_KEY, made);
  return new Int32Array(made);
})();

/** What an interrupt carries between threads. */
interface InterruptMessage {
  loomInterrupt: string;
}

let channel: BroadcastChannel | undefined;
const handlers = new Set<(tag: string) => void>();
/** The bell as this thread last saw it. */
let rung = Atomics.load(bell, 0);

function take(message: unknown): void {
  const tag = (message as InterruptMessage | undefined)?.loomInterrupt;
  if (typeof tag !== 'string') return;
  for (const handler of [...handlers]) {
    try {
      handler(tag);
    } catch (error) {
      // Heard inside a pool's poll(): a failure to stop work must not fail the caller's wait.
      process.emitWarning(`loom: stopping interrupted work failed: ${(error as Error)?.message ?? String(error)}`);
    }
  }
}

/**
 * From now on this thread hears interrupts told by other threads, calling
 * `handler(tag)` once per interrupt. Called by interrupt-work.ts when this
 * thread first holds interruptible work, and by a hub thread; the channel
 * never keeps the thread alive.
 */
export function hearInterrupts(handler: (tag: string) => void): void {
  handlers.add(handler);
  if (channel) return;
  rung = Atomics.load(bell, 0);
  channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event) => take((event as { data: unknown }).data);
  (channel as unknown as { unref(): void }).unref();
}

/** Tells every other thread of this process that the work tagged `tag` is interrupted. */
export function announceInterrupt(tag: string): void {
  // This thread has no channel of its own while it holds no interruptible work: one sends and closes.
  const sender = channel ?? new BroadcastChannel(CHANNEL);
  sender.postMessage({ loomInterrupt: tag } satisfies InterruptMessage);
  if (sender !== channel) sender.close();
  // After the message (delivered to every channel as postMessage returns): a thread that sees
  // the bell rung finds it queued. Nobody sleeps on the bell; it is only looked at.
  Atomics.add(bell, 0, 1);
}

/**
 * For sync waits and loops: when the bell has rung since this thread last
 * looked, takes the interrupts told meanwhile (handled before it returns).
 * One atomic load otherwise.
 */
export function heardInterrupts(): void {
  if (!channel || Atomics.load(bell, 0) === rung) return;
  rung = Atomics.load(bell, 0);
  for (;;) {
    const received = receiveMessageOnPort(channel as never);
    if (!received) return;
    take(received.message);
  }
}
