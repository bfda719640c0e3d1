/**
 * process.stdout / process.stderr (and so console.*) become `stream` frames,
 * tagged with the cell that caused the write, and sent at once: output shows up
 * while a cell is still busy.
 */
import { Console } from 'node:console';
import { StringDecoder } from 'node:string_decoder';
import { formatWithOptions } from 'node:util';
import { sendFrame } from './channel.js';
import { currentCell } from './context.js';

type WriteCallback = (error?: Error | null) => void;

let callbacks: WriteCallback[] = [];

/** Write callbacks run on the next tick, as a stream's would: one tick for a whole burst of writes. */
function afterWrite(callback: WriteCallback): void {
  if (callbacks.push(callback) > 1) return;
  process.nextTick(() => {
    const due = callbacks;
    callbacks = [];
    for (const call of due) call();
  });
}

/** True while the decoder keeps the first bytes of a character split across writes. */
function pending(decoder: StringDecoder): boolean {
  return (decoder as unknown as { lastNeed: number }).lastNeed > 0;
}

export function routeOutput(): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    // Bytes may end in the middle of a UTF-8 sequence; keep it for the next write.
    const decoder = new StringDecoder('utf8');
    const write = (chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean => {
      const done = typeof encoding === 'function' ? encoding : callback;
      // Strings (all of console.*) skip the decoder, unless it holds half a character from a byte write.
      const text = typeof chunk === 'string' && (encoding === undefined || typeof encoding === 'function' || encoding === 'utf8') && !pending(decoder)
        ? chunk
        : typeof chunk === 'string'
          ? decoder.write(Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8'))
          : decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (text !== '') sendFrame({ type: 'stream', parent: currentCell()?.parent ?? '', name, text });
      if (done) afterWrite(done);
      return true;
    };
    stream.write = write as typeof stream.write;
  }
  // The global console colours its output when FORCE_COLOR is set even on a pipe;
  // a notebook shows what Node's REPL shows with colours off.
  globalThis.console = leanConsole(new Console({ stdout: process.stdout, stderr: process.stderr, colorMode: false }));
}

/**
 * console.log and friends, formatted as Node's Console does (colours off) but
 * without its stream bookkeeping: a loop printing 100,000 lines spends most
 * of its time there. Groups keep their indentation; the rest is Node's.
 */
function leanConsole(base: Console): Console {
  let indent = '';
  const print = (name: 'stdout' | 'stderr') => (...args: unknown[]): void => {
    let text = formatWithOptions({ colors: false }, ...args);
    if (indent !== '') text = text.replace(/^/gm, indent);
    sendFrame({ type: 'stream', parent: currentCell()?.parent ?? '', name, text: `${text}\n` });
  };
  const group = (...labels: unknown[]): void => {
    if (labels.length > 0) print('stdout')(...labels);
    indent += '  ';
  };
  return Object.assign(base, {
    log: print('stdout'),
    info: print('stdout'),
    debug: print('stdout'),
    error: print('stderr'),
    warn: print('stderr'),
    group,
    groupCollapsed: group,
    groupEnd: () => {
      indent = indent.slice(2);
    },
  });
}
