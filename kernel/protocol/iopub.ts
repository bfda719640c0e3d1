import type { WireMessage } from '../wire/codec.js';
import { childOf, type Identity, type Parent } from './builder.js';
import type { IOPubChannel } from './context.js';
import type { ExecutionState, IOPubContents, IOPubType, StreamName } from './iopub-contents.js';

type Publish = (message: WireMessage<object>) => void;

interface PendingStream {
  parent: Parent;
  name: StreamName;
  text: string;
}

/** Stream text waits at most this long, so a cell printing in a loop sends few messages. */
const FLUSH_INTERVAL_MS = 25;
/** ...and a single message stays a reasonable size for the frontend. */
const MAX_BATCH_CHARS = 1 << 20;

/**
 * The one owner of the iopub channel. Stream text is batched per cell and per
 * stream name; anything else published first flushes the batch, so the order
 * the executor produced is the order the frontend sees.
 */
export class IOPub implements IOPubChannel {
  private pending: PendingStream[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly identity: Identity,
    private readonly publishMessage: Publish,
  ) {}

  publish<T extends IOPubType>(parent: Parent | undefined, msgType: T, content: IOPubContents[T], metadata: Record<string, unknown> = {}): void {
    this.flush();
    this.publishMessage(this.message(parent, msgType, content, metadata));
  }

  status(parent: Parent | undefined, state: ExecutionState): void {
    this.publish(parent, 'status', { execution_state: state });
  }

  stream(parent: Parent, name: StreamName, text: string): void {
    const last = this.pending.at(-1);
    if (last && last.parent.header.msg_id === parent.header.msg_id && last.name === name && last.text.length < MAX_BATCH_CHARS) {
      last.text += text;
    } else {
      this.pending.push({ parent, name, text });
    }
    this.timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Sends all buffered stream text now (before a reply, an idle, or any other message). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    for (const { parent, name, text } of batch) {
      this.publishMessage(this.message(parent, 'stream', { name, text }, {}));
    }
  }

  private message<T extends IOPubType>(parent: Parent | undefined, msgType: T, content: IOPubContents[T], metadata: Record<string, unknown>): WireMessage<IOPubContents[T]> {
    // Subscribers filter on the first frame; Jupyter's convention is kernel.<id>.<type>.
    const message = childOf(this.identity, parent, msgType, content, metadata);
    message.idents = [Buffer.from(`kernel.${this.identity.session}.${msgType}`)];
    return message;
  }
}
