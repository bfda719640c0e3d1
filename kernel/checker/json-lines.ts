/**
 * Messages as JSON, one a line, over a stream socket: how the kernel and the
 * user's shared checker talk (shared-checker.ts, shared-server.ts). JSON
 * escapes the newlines inside a cell's code, so a line is always one message.
 */
import type { Socket } from 'node:net';

/** Calls `onMessage` with each message that arrives on `socket`. */
export function readLines(socket: Socket, onMessage: (message: unknown) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let end = buffered.indexOf('\n');
    while (end >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line) onMessage(JSON.parse(line));
      end = buffered.indexOf('\n');
    }
  });
}

export function toLine(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}
