import { Reply } from 'zeromq';

/**
 * The heartbeat channel: echo every ping. It runs on the kernel's event loop,
 * which never runs user code, so it answers while a cell spins.
 */
export async function startHeartbeat(endpoint: string): Promise<Reply> {
  const socket = new Reply({ linger: 0 });
  await socket.bind(endpoint);
  void echo(socket);
  return socket;
}

async function echo(socket: Reply): Promise<void> {
  try {
    for await (const frames of socket) await socket.send(frames);
  } catch (error) {
    if (!socket.closed) throw error;
  }
}
