import { Router } from 'zeromq';
import { log } from '../log.js';

/**
 * The heartbeat channel: echo every ping. It runs on the kernel's event loop,
 * which never runs user code, so it answers while a cell spins.
 *
 * A ROUTER that sends every message back as it came (routing id first), as
 * ipykernel's heartbeat does, rather than a REP: libzmq's REP silently drops a
 * request without the empty delimiter frame, and zeromq.js then fails the
 * pending receive with EAGAIN, which ended the echo loop (and, unhandled, the
 * kernel). A REQ client sees no difference.
 */
export async function startHeartbeat(endpoint: string): Promise<Router> {
  const socket = new Router({ linger: 0 });
  await socket.bind(endpoint);
  void echo(socket);
  return socket;
}

async function echo(socket: Router): Promise<void> {
  while (!socket.closed) {
    try {
      // A ROUTER never blocks a send: a message to a peer that is gone or not reading is dropped.
      await socket.send(await socket.receive());
    } catch (error) {
      if (socket.closed) return;
      log.warn(`heartbeat: ${(error as Error).message}`);
    }
  }
}
