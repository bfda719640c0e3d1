/**
 * What the protocol needs of the sockets (kernel/sockets/): frames that arrive
 * until the socket closes, and an ordered way to send. The zeromq sockets and
 * OrderedSender are these; tests pass in-memory ones.
 */

/** Frames arriving on a socket (a zeromq Router), until it closes. */
export type Incoming = AsyncIterable<Buffer[]> & { readonly closed: boolean };

/** Sends frames one message after another, in order (sockets/sender.ts). */
export interface Outgoing {
  send(frames: Array<string | Buffer>): unknown;
}
