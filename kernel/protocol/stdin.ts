import { log } from '../log.js';
import { decode } from '../wire/codec.js';
import type { ReplayGuard } from '../wire/replay-guard.js';
import type { Signer } from '../wire/signer.js';
import type { KernelContext } from './context.js';
import type { Incoming } from './transport.js';

/**
 * The stdin channel: input replies go to the executor's waiting input(). A
 * reply that answers no input() is dropped here: sent on, it would sit in the
 * pipe and pile up there while nothing reads it.
 */
export async function serveStdin(socket: Incoming, signer: Signer, replays: ReplayGuard, ctx: KernelContext): Promise<void> {
  try {
    for await (const frames of socket) {
      const decoded = decode(frames, signer, replays);
      const type = decoded.ok ? decoded.message.header.msg_type : '';
      if (!decoded.ok) {
        log.warn(`stdin: dropped a message (${decoded.reason})`);
      } else if (type !== 'input_reply') {
        log.warn(`stdin: ignored a message of type ${JSON.stringify(type.slice(0, 80))}: only input_reply is expected`);
      } else if (ctx.executor.inputsWaiting === 0) {
        log.warn('stdin: ignored an input_reply: no input() is waiting');
      } else {
        const value = decoded.message.content.value;
        ctx.executor.sendInput({ type: 'input_reply', value: typeof value === 'string' ? value : String(value ?? '') });
      }
    }
  } catch (error) {
    if (!socket.closed) log.error(`stdin: ${(error as Error).message}`);
  }
}
