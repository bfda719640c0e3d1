/**
 * The kernel's protocol layer in memory: the real Dispatcher, IOPub, History,
 * Cells, handlers and output routing, wired to in-memory sockets, a scripted
 * executor and a scripted language service. The transport and the executor
 * are not what these tests are about; what the protocol does with them is.
 */
import { randomUUID } from 'node:crypto';
import type { DoneFrame, ExecuteCommand, FromExecutor, InputReply } from '../../kernel/executor/messages.js';
import type { CellDiagnostic, CheckedCell } from '../../kernel/checker/types.js';
import type { Identity } from '../../kernel/protocol/builder.js';
import { Cells } from '../../kernel/protocol/cells.js';
import type { Executor, KernelContext, Language } from '../../kernel/protocol/context.js';
import { Dispatcher } from '../../kernel/protocol/dispatcher.js';
import { forwardFrame } from '../../kernel/protocol/executor-output.js';
import { History } from '../../kernel/protocol/history.js';
import { IOPub } from '../../kernel/protocol/iopub.js';
import type { CompleteReply, InspectReply, IsCompleteReply } from '../../kernel/protocol/replies.js';
import { serveStdin } from '../../kernel/protocol/stdin.js';
import type { Incoming } from '../../kernel/protocol/transport.js';
import { decode, encode, type WireMessage } from '../../kernel/wire/codec.js';
import { ReplayGuard } from '../../kernel/wire/replay-guard.js';
import { Signer } from '../../kernel/wire/signer.js';

/** A socket's incoming side: frames pushed by the test, read by the kernel until closed. */
export class MemorySocket implements Incoming {
  closed = false;
  private readonly frames: Buffer[][] = [];
  private wake: (() => void) | undefined;
  private blocked: Array<() => void> = [];

  push(frames: Array<string | Buffer>): void {
    this.frames.push(frames.map((frame) => Buffer.from(frame)));
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  /** Resolves once the reader has taken everything pushed so far and waits for more. */
  read(): Promise<void> {
    return new Promise((resolve) => this.blocked.push(resolve));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer[]> {
    for (;;) {
      const next = this.frames.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.closed) return;
      for (const resolve of this.blocked.splice(0)) resolve();
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    this.wake?.();
    this.wake = undefined;
  }
}

type Outcome = Omit<DoneFrame, 'type' | 'parent'>;

/** What a scripted cell does: output through `emit`, then how it ends. */
export type Script = (command: Omit<ExecuteCommand, 'type'>, emit: (frame: FromExecutor) => void) => Outcome | Promise<Outcome>;

export const ran: Outcome = { status: 'ok', userExpressions: {} };

export function failedWith(ename: string, evalue: string): Outcome {
  return { status: 'error', error: { ename, evalue, traceback: [`${ename}: ${evalue}`] }, userExpressions: {} };
}

/** Runs cells by a script instead of a process; records what the protocol asked of it. */
export class ScriptedExecutor implements Executor {
  script: Script = () => ran;
  readonly executed: string[] = [];
  readonly inputs: InputReply[] = [];
  interrupts = 0;
  inputsWaiting = 0;
  /** Set by the harness: where frames go (kernel.ts sends them to forwardFrame). */
  emit: (frame: FromExecutor) => void = () => {};

  async execute(command: Omit<ExecuteCommand, 'type'>): Promise<DoneFrame> {
    this.executed.push(command.code);
    const outcome = await this.script(command, this.emit);
    return { type: 'done', parent: command.parent, ...outcome };
  }

  interrupt(): void {
    this.interrupts += 1;
  }

  inputRequested(): void {
    this.inputsWaiting += 1;
  }

  sendInput(reply: InputReply): void {
    this.inputs.push(reply);
    this.inputsWaiting = Math.max(0, this.inputsWaiting - 1);
  }
}

/** Answers with fixed replies; type errors are scripted by cell code. */
export class ScriptedLanguage implements Language {
  readonly typeErrors = new Map<string, CellDiagnostic[]>();
  readonly cells: string[] = [];
  resets = 0;
  complete = async (code: string, cursorPos: number): Promise<CompleteReply> => ({ status: 'ok', matches: [code], cursor_start: 0, cursor_end: cursorPos, metadata: {} });
  inspect = async (code: string): Promise<InspectReply> => ({ status: 'ok', found: true, data: { 'text/plain': `about ${code}` }, metadata: {} });
  isComplete = async (): Promise<IsCompleteReply> => ({ status: 'complete' });

  async check(code: string): Promise<CellDiagnostic[]> {
    return this.typeErrors.get(code) ?? [];
  }

  async checkAndCompile(code: string): Promise<CheckedCell> {
    return { diagnostics: await this.check(code) };
  }

  addCell(code: string): void {
    this.cells.push(code);
  }

  reset(): void {
    this.resets += 1;
    this.cells.length = 0;
  }
}

export type ChannelName = 'shell' | 'control' | 'iopub' | 'stdin';

/** One message the kernel sent, on which channel, in the order sent. */
export interface Sent {
  channel: ChannelName;
  message: WireMessage;
}

/**
 * A kernel's protocol side with everything it sends recorded in one ordered
 * log, so a test can check the order across channels (a reply before its idle).
 */
export class ProtocolHarness {
  readonly signer = new Signer('hmac-sha256', 'harness-key');
  readonly identity: Identity = { session: 'kernel-session', username: 'kernel' };
  readonly executor = new ScriptedExecutor();
  readonly language = new ScriptedLanguage();
  readonly sent: Sent[] = [];
  readonly sockets = { shell: new MemorySocket(), control: new MemorySocket(), stdin: new MemorySocket() };
  readonly shutdowns: boolean[] = [];
  readonly ctx: KernelContext;
  private listeners: Array<() => void> = [];

  constructor() {
    const iopub = new IOPub(this.identity, (message) => this.record('iopub', message as WireMessage));
    this.ctx = {
      identity: this.identity,
      iopub,
      executor: this.executor,
      language: this.language,
      // The protocol's tests have no executor to debug: the debugger answers that it is off.
      debugger: {
        handle: async (request) => ({ type: 'response', seq: 0, request_seq: request.seq, command: request.command, success: false, message: 'no debugger in this harness' }),
        beforeCell: async () => undefined,
        beforeInterrupt: async () => undefined,
      },
      history: new History(),
      cells: new Cells(),
      executionCount: 0,
      sendStdin: (message) => this.record('stdin', message as WireMessage),
      shutdown: (restart) => this.shutdowns.push(restart),
    };
    this.executor.emit = (frame) => forwardFrame(frame, this.ctx);
  }

  /** Starts serving shell, control and stdin, as kernel.ts does. */
  start(): this {
    const replays = new ReplayGuard();
    const dispatcher = new Dispatcher(this.ctx, this.signer, replays);
    for (const name of ['shell', 'control'] as const) {
      const sender = { send: (frames: Array<string | Buffer>) => this.receive(name, frames) };
      void dispatcher.serve({ name, socket: this.sockets[name], sender });
    }
    void serveStdin(this.sockets.stdin, this.signer, replays, this.ctx);
    return this;
  }

  close(): void {
    for (const socket of Object.values(this.sockets)) socket.close();
  }

  /** A client's request, signed, from routing identity `client-1`. */
  build(msgType: string, content: object): WireMessage<object> {
    return {
      idents: [Buffer.from('client-1')],
      header: { msg_id: randomUUID(), msg_type: msgType, session: 'client-session', username: 'test', date: new Date().toISOString(), version: '5.4' },
      parent_header: {},
      metadata: {},
      content,
      buffers: [],
    };
  }

  send(channel: 'shell' | 'control' | 'stdin', message: WireMessage<object>): string {
    this.sockets[channel].push(encode(message, this.signer));
    return message.header.msg_id;
  }

  /** Sends a request and waits for its idle: by then its reply, if any, has been sent. */
  async request(channel: 'shell' | 'control', msgType: string, content: object = {}): Promise<{ reply: WireMessage | undefined; iopub: WireMessage[] }> {
    const id = this.send(channel, this.build(msgType, content));
    await this.idle(id);
    return { reply: this.replyTo(id), iopub: this.iopubFor(id) };
  }

  execute(code: string, options: Record<string, unknown> = {}): Promise<{ reply: WireMessage | undefined; iopub: WireMessage[] }> {
    return this.request('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...options });
  }

  /** Resolves when the request `id` has gone idle. */
  idle(id: string): Promise<Sent> {
    return this.waitFor((s) => s.channel === 'iopub' && s.message.parent_header.msg_id === id && s.message.content.execution_state === 'idle');
  }

  /** Resolves with the first message sent that matches, now or when it is sent. */
  waitFor(match: (sent: Sent) => boolean): Promise<Sent> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const found = this.sent.find(match);
        if (found) resolve(found);
        return found !== undefined;
      };
      if (check()) return;
      const listener = () => {
        if (check()) this.listeners = this.listeners.filter((l) => l !== listener);
      };
      this.listeners.push(listener);
    });
  }

  replyTo(id: string): WireMessage | undefined {
    return this.sent.find((s) => (s.channel === 'shell' || s.channel === 'control') && s.message.parent_header.msg_id === id)?.message;
  }

  iopubFor(id: string): WireMessage[] {
    return this.sent.filter((s) => s.channel === 'iopub' && s.message.parent_header.msg_id === id).map((s) => s.message);
  }

  /** What was sent for request `id`, as `channel:msg_type` (status messages with their state). */
  trace(id: string): string[] {
    return this.sent
      .filter((s) => s.message.parent_header.msg_id === id)
      .map(({ channel, message }) => `${channel}:${message.header.msg_type}${message.header.msg_type === 'status' ? `:${message.content.execution_state}` : ''}`);
  }

  /** Replies leave encoded: decode them with the client's key, so signing is checked too. */
  private receive(channel: 'shell' | 'control', frames: Array<string | Buffer>): void {
    const decoded = decode(frames.map((frame) => Buffer.from(frame)), this.signer);
    if (!decoded.ok) throw new Error(`the kernel sent an unreadable ${channel} message: ${decoded.reason}`);
    this.record(channel, decoded.message);
  }

  private record(channel: ChannelName, message: WireMessage): void {
    this.sent.push({ channel, message });
    for (const listener of [...this.listeners]) listener();
  }
}

/** A promise and the functions that settle it, for holding a cell while a test acts. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
