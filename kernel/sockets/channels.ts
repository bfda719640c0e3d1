import { Publisher, Router } from 'zeromq';
import { endpoint, type ConnectionInfo } from '../wire/connection.js';
import { startHeartbeat } from './heartbeat.js';
import { OrderedSender } from './sender.js';

/** The five sockets of a kernel, bound where the connection file says. */
export interface Channels {
  shell: Router;
  control: Router;
  stdin: Router;
  iopub: Publisher;
  hb: Router;
  send: { shell: OrderedSender; control: OrderedSender; stdin: OrderedSender; iopub: OrderedSender };
  close(): void;
}

export async function openChannels(info: ConnectionInfo): Promise<Channels> {
  const shell = new Router({ linger: 1000 });
  const control = new Router({ linger: 1000 });
  const stdin = new Router({ linger: 1000 });
  // Stream output is batched, so a deep queue is rarely used; dropping output
  // at the default high water mark of 1,000 messages would lose it silently.
  const iopub = new Publisher({ linger: 1000, sendHighWaterMark: 100_000 });
  await Promise.all([
    shell.bind(endpoint(info, 'shell')),
    control.bind(endpoint(info, 'control')),
    stdin.bind(endpoint(info, 'stdin')),
    iopub.bind(endpoint(info, 'iopub')),
  ]);
  const hb = await startHeartbeat(endpoint(info, 'hb'));
  return {
    shell,
    control,
    stdin,
    iopub,
    hb,
    send: {
      shell: new OrderedSender(shell, 'shell'),
      control: new OrderedSender(control, 'control'),
      stdin: new OrderedSender(stdin, 'stdin'),
      iopub: new OrderedSender(iopub, 'iopub'),
    },
    close() {
      for (const socket of [shell, control, stdin, iopub, hb]) socket.close();
    },
  };
}
