/**
 * The debug relay: a worker thread of the executor that holds an inspector
 * session on the executor's main thread and passes the Chrome DevTools
 * Protocol through, as JSON lines, to the kernel's debugger on DEBUG_FD.
 *
 * Why a thread: when a cell stops at a breakpoint the main thread's event loop
 * is stopped, so nothing on it could talk to the kernel; this thread's loop
 * goes on. Why its own descriptor: the main thread reads the kernel's IPC.
 * Started only when a client turns the debugger on (debug-start.ts).
 */
import inspector from 'node:inspector';
import { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { parentPort, workerData } from 'node:worker_threads';

interface Command {
  id: number;
  method: string;
  params?: object;
}

const pipe = new Socket({ fd: (workerData as { fd: number }).fd, readable: true, writable: true });
const session = new inspector.Session();
session.connectToMainThread();

function send(message: object): void {
  if (pipe.writable) pipe.write(`${JSON.stringify(message)}\n`);
}

session.on('inspectorNotification', (message) => {
  if (message.method === 'NodeWorker.receivedMessageFromWorker' && resumedHere(message.params as WorkerMessage)) return;
  send({ method: message.method, params: message.params });
});

interface WorkerMessage {
  sessionId: string;
  message: string;
}

/** Ids of the commands this thread sends a worker itself: below zero, never the kernel's. */
let ownId = 0;

/**
 * The kernel has a thread stop before each script it runs, to set breakpoints
 * in code shipped from a cell (`loom-ship-N`) before that code runs. Every
 * other script (each module a worker loads) goes on at once from here, without
 * a round trip to the kernel. True when the message was handled here.
 */
function resumedHere({ sessionId, message }: WorkerMessage): boolean {
  if (message.startsWith('{"id":-')) return true; // the answer to one of our own resumes
  if (!message.includes('"instrumentation"')) return false;
  const event = JSON.parse(message) as { method?: string; params?: { reason?: string; data?: { url?: string } } };
  if (event.method !== 'Debugger.paused' || event.params?.reason !== 'instrumentation') return false;
  if (String(event.params.data?.url ?? '').startsWith('loom-ship-')) return false;
  session.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id: --ownId, method: 'Debugger.resume' }) });
  return true;
}

createInterface({ input: pipe, crlfDelay: Infinity }).on('line', (line) => {
  let command: Command;
  try {
    command = JSON.parse(line) as Command;
  } catch {
    return;
  }
  session.post(command.method, command.params ?? {}, (error, result) => {
    send(error ? { id: command.id, error: { message: error.message } } : { id: command.id, result: result ?? {} });
  });
});

// The kernel closed its end (the debugger was turned off, or the kernel is gone):
// let the main thread run freely again and end this thread.
pipe.on('close', () => {
  session.disconnect();
  process.exit(0);
});
pipe.on('error', () => pipe.destroy());
// A thread with nothing but a socket may still be ended early by Node; this listener keeps it alive.
parentPort?.on('message', () => {});
