import { randomUUID } from 'node:crypto';
import { join, sep } from 'node:path';
import { Supervisor } from './executor/supervisor.js';
import { LanguageService } from './checker/client.js';
import { debuggerOnDemand } from './debugger/on-demand.js';
import { packageRoot } from './install/package-root.js';
import { log } from './log.js';
import { watchParent } from './parent-watch.js';
import type { Identity } from './protocol/builder.js';
import { Cells } from './protocol/cells.js';
import type { KernelContext } from './protocol/context.js';
import { Dispatcher } from './protocol/dispatcher.js';
import { announceLost, forwardFrame, forwardRaw } from './protocol/executor-output.js';
import { History } from './protocol/history.js';
import { IOPub } from './protocol/iopub.js';
import { serveStdin } from './protocol/stdin.js';
import { openChannels } from './sockets/channels.js';
import { encode } from './wire/codec.js';
import { readConnectionFile } from './wire/connection.js';
import { ReplayGuard } from './wire/replay-guard.js';
import { Signer } from './wire/signer.js';

/**
 * Starts a kernel for the given connection file: binds the sockets, starts
 * the executor, and serves until a shutdown request or SIGTERM.
 */
export async function startKernel(connectionFile: string): Promise<void> {
  const info = readConnectionFile(connectionFile);
  // The checker first: the first cell's type check waits for it, and it starts in a process of its own.
  const language = new LanguageService({ cwd: process.cwd() });
  language.warmUp();
  const signer = new Signer(info.signature_scheme, info.key);
  // One history of signatures for all channels, as jupyter_client's Session has.
  const replays = new ReplayGuard();
  const channels = await openChannels(info);
  const identity: Identity = { session: randomUUID(), username: 'kernel' };
  const iopub = new IOPub(identity, (message) => void channels.send.iopub.send(encode(message, signer)));
  const executor = new Supervisor({ cwd: process.cwd() });
  const history = new History();
  const cellDebugger = debuggerOnDemand({
    target: executor,
    publish: (event) => iopub.publish(undefined, 'debug_event', event),
    pastCells: () => history.sources(),
    libraryFolders: [join(packageRoot(), 'dist') + sep],
    declareGlobal: (name) => language.addCell(`declare var ${name}: any;`),
    hostModule: join(packageRoot(), 'dist', 'src', 'host', 'index.js'),
  });

  const ctx: KernelContext = {
    identity,
    iopub,
    executor,
    language,
    debugger: cellDebugger,
    history,
    cells: new Cells(),
    executionCount: 0,
    sendStdin: (message) => void channels.send.stdin.send(encode(message, signer)),
    shutdown: () => setImmediate(() => void stop(0)),
  };

  executor.on('frame', (frame) => forwardFrame(frame, ctx));
  executor.on('raw', (name, text) => forwardRaw(ctx, name, text));
  executor.on('lost', (what) => announceLost(ctx, what));
  void serveStdin(channels.stdin, signer, replays, ctx);

  const dispatcher = new Dispatcher(ctx, signer, replays);
  void dispatcher.serve({ name: 'shell', socket: channels.shell, sender: channels.send.shell });
  void dispatcher.serve({ name: 'control', socket: channels.control, sender: channels.send.control });
  iopub.status(undefined, 'starting');
  executor.start().catch((error: Error) => log.error(error.message));

  let stopping = false;
  async function stop(code: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    iopub.flush();
    await executor.stop();
    await language.close();
    cellDebugger.close();
    await Promise.all([channels.send.shell.drained(), channels.send.control.drained(), channels.send.iopub.drained()]);
    channels.close();
    process.exit(code);
  }
  process.on('SIGTERM', () => void stop(0));
  watchParent(() => {
    log.warn('the process that started the kernel is gone; shutting down');
    void stop(0);
  });
  // Clients with interrupt_mode "signal" (and Ctrl+C in a terminal) send SIGINT to the kernel.
  process.on('SIGINT', () => executor.interrupt());
}
