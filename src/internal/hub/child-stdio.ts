/**
 * A child's console output, input() requests and rich output, as its hub
 * passes them on to the host (childIoHooks.childOutput, childInput, childDisplay). Only children started
 * with an output tag send these frames (see entry/process-output.ts).
 */
import { serialize } from 'node:v8';
import { serializeError } from '../error-wire.js';
import { childIoHooks } from '../host/child-io.js';
import type { Child } from './child.js';
import type { Frame } from './frames.js';
import { F } from './protocol.js';

const STREAMS = { 1: 'stdout', 2: 'stderr' } as const;

/**
 * Hands OUTPUT frames (one child's, in order) to childIoHooks.childOutput. Runs of
 * frames with the same tag and stream go as one text: a loop of console.log
 * calls reaches the host as a few calls, not one per line.
 */
export function relayOutput(frames: Frame[]): void {
  let tag = '';
  let stream = 0;
  let texts: string[] = [];
  const pass = (): void => {
    if (texts.length === 0) return;
    const name = STREAMS[stream as 1 | 2] ?? 'stdout';
    const text = texts.length === 1 ? texts[0] : texts.join('');
    texts = [];
    try {
      childIoHooks.childOutput(tag, name, text);
    } catch {
      // The host cannot take output now (its process is ending): the hub must go on serving the children.
    }
  };
  for (const received of frames) {
    const frameTag = received.body.toString('utf8', 0, received.b);
    if (frameTag !== tag || received.a !== stream) {
      pass();
      tag = frameTag;
      stream = received.a;
    }
    texts.push(received.body.toString('utf8', received.b));
  }
  pass();
}

/** Asks childIoHooks.childInput on behalf of the child and sends it the answer (or the error its input() is to throw). */
export function relayInput(child: Child, request: Frame): void {
  const tag = request.body.toString('utf8', 0, request.b);
  const prompt = request.body.toString('utf8', request.b);
  let answer: Promise<string>;
  try {
    answer = Promise.resolve(childIoHooks.childInput(tag, prompt, request.a === 1));
  } catch (error) {
    answer = Promise.reject(error);
  }
  answer.then(
    (line) => child.send(F.INPUT_REPLY, 0, 0, Buffer.from(String(line), 'utf8')),
    (error: unknown) => child.send(F.INPUT_REPLY, 0, 1, serialize(serializeError(error))),
  );
}

/** Hands a DISPLAY frame to childIoHooks.childDisplay (after the OUTPUT frames before it: the hub passes those first). */
export function relayDisplay(received: Frame): void {
  const tag = received.body.toString('utf8', 0, received.b);
  try {
    childIoHooks.childDisplay(tag, received.body.toString('utf8', received.b));
  } catch {
    // As for output: the host cannot take it now, and the hub must go on serving the children.
  }
}
