import type { Writable } from 'zeromq';
import { log } from '../log.js';

type Frames = Array<string | Buffer>;

/**
 * zeromq 6 refuses a send while the previous one is still pending ("EBUSY
 * Socket is busy writing", the error that stalls tslab). Sends go through this
 * queue so they happen one after another, in order.
 */
export class OrderedSender {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: Writable,
    private readonly name: string,
  ) {}

  send(frames: Frames): Promise<void> {
    const sent = this.tail.then(() => this.socket.send(frames));
    this.tail = sent.catch((error: Error) => log.warn(`${this.name}: send failed: ${error.message}`));
    return this.tail;
  }

  /** Resolves when everything queued so far has been handed to ZeroMQ. */
  drained(): Promise<void> {
    return this.tail;
  }
}
