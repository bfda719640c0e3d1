import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Dealer, Request, Subscriber } from 'zeromq';
import { withMallocTuning } from '../malloc-tuning.js';
import { OrderedSender } from '../sockets/sender.js';
import { decode, encode, type WireMessage } from '../wire/codec.js';
import { endpoint, type ConnectionInfo } from '../wire/connection.js';
import { Signer } from '../wire/signer.js';
import { writeConnectionFile } from './connection-file.js';

export type Message = WireMessage<Record<string, any>>;

export interface StartOptions {
  /** The kernel's command line; `{connection_file}` is replaced. Default: Loom's kernel. */
  argv?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the kernel's stderr goes (default: ignored). */
  stderr?: 'inherit' | 'ignore' | 'pipe';
}

export interface ExecuteOptions {
  silent?: boolean;
  storeHistory?: boolean;
  userExpressions?: Record<string, string>;
  allowStdin?: boolean;
  stopOnError?: boolean;
  /** Answers input() prompts; without it allow_stdin is false. */
  onInput?: (prompt: string, password: boolean) => string | Promise<string>;
  /** Called with each iopub message of this cell as it arrives. */
  onOutput?: (message: Message) => void;
  timeoutMs?: number;
}

export interface Execution {
  reply: Message;
  /** The cell's iopub messages, busy to idle inclusive, in order. */
  iopub: Message[];
}

const LOOM_KERNEL = join(__dirname, '..', 'cli', 'main.js');

/**
 * A Jupyter client over ZeroMQ: starts a kernel process and talks to it on
 * its five channels. Tests, benchmarks and the notebook runner all use it.
 */
export class KernelClient {
  private readonly session = randomUUID();
  private readonly signer: Signer;
  // Kernels route input requests to the shell request's identity, so shell and
  // stdin share one routing id (the session), as jupyter_client does.
  private readonly shell = new Dealer({ linger: 0, routingId: this.session });
  private readonly control = new Dealer({ linger: 0 });
  private readonly stdin = new Dealer({ linger: 0, routingId: this.session });
  private readonly iopubSocket = new Subscriber({ linger: 0 });
  private readonly senders: Record<'shell' | 'control' | 'stdin', OrderedSender>;
  private readonly replyWaiters = new Map<string, { resolve: (message: Message) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private readonly iopubListeners = new Map<string, (message: Message) => void>();
  private inputHandler: ((message: Message) => void) | undefined;
  /** Every iopub message, for tests that look at messages of no cell. */
  readonly allIopub: Message[] = [];
  private readonly anyIopubListeners = new Set<(message: Message) => void>();
  private closed = false;

  private constructor(
    readonly info: ConnectionInfo,
    readonly process: ChildProcess | undefined,
    private readonly tempDir: string | undefined,
  ) {
    this.signer = new Signer(info.signature_scheme, info.key);
    this.senders = {
      shell: new OrderedSender(this.shell, 'client shell'),
      control: new OrderedSender(this.control, 'client control'),
      stdin: new OrderedSender(this.stdin, 'client stdin'),
    };
  }

  /** Starts a kernel process on free loopback ports and waits until it answers. */
  static async start(options: StartOptions = {}): Promise<KernelClient> {
    const { info, dir: tempDir, file } = await writeConnectionFile('loom-client-');
    const argv = (options.argv ?? [process.execPath, LOOM_KERNEL, 'kernel', '{connection_file}']).map((arg) => arg.replace('{connection_file}', file));
    // As Jupyter starts Loom: with its kernelspec's env (another kernel's argv gets none), and JPY_PARENT_PID, so that the kernel exits if this process dies.
    const given = options.env ?? process.env;
    const env = { ...(options.argv ? given : withMallocTuning(given)), JPY_PARENT_PID: String(process.pid) };
    const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, env, stdio: ['ignore', 'ignore', options.stderr ?? 'ignore'] });
    const client = new KernelClient(info, child, tempDir);
    client.connect();
    try {
      await client.waitForReady();
    } catch (error) {
      await client.close();
      throw error;
    }
    // The kernel has read its connection file: nothing is left behind if this process dies.
    rmSync(tempDir, { recursive: true, force: true });
    return client;
  }

  /** Connects to a kernel someone else started (for example with a connection file of theirs). */
  static async attach(info: ConnectionInfo): Promise<KernelClient> {
    const client = new KernelClient(info, undefined, undefined);
    client.connect();
    await client.waitForReady();
    return client;
  }

  private connect(): void {
    this.shell.connect(endpoint(this.info, 'shell'));
    this.control.connect(endpoint(this.info, 'control'));
    this.stdin.connect(endpoint(this.info, 'stdin'));
    this.iopubSocket.connect(endpoint(this.info, 'iopub'));
    this.iopubSocket.subscribe();
    void this.readReplies(this.shell);
    void this.readReplies(this.control);
    void this.readStdin();
    void this.readIopub();
  }

  /** Asks for kernel_info until its status message arrives on iopub, so no output is missed. */
  private async waitForReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.process && this.process.exitCode !== null) throw new Error(`the kernel exited with code ${this.process.exitCode} before answering`);
      const message = this.build('kernel_info_request', {});
      const sawIopub = new Promise<boolean>((resolve) => {
        this.iopubListeners.set(message.header.msg_id, () => resolve(true));
      });
      const replied = this.send('shell', message);
      const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 500));
      const ok = await Promise.race([Promise.all([sawIopub, replied]).then(() => true), timer]);
      this.iopubListeners.delete(message.header.msg_id);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`the kernel did not answer kernel_info within ${timeoutMs} ms`);
    }
  }

  build(msgType: string, content: object): Message {
    return {
      idents: [],
      header: { msg_id: randomUUID(), msg_type: msgType, session: this.session, username: 'loom-client', date: new Date().toISOString(), version: '5.4' },
      parent_header: {},
      metadata: {},
      content: content as Record<string, any>,
      buffers: [],
    };
  }

  /** Sends a request and resolves with its reply. */
  send(channel: 'shell' | 'control', message: Message, timeoutMs = 60_000): Promise<Message> {
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replyWaiters.delete(message.header.msg_id);
        reject(new Error(`no ${message.header.msg_type} reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.replyWaiters.set(message.header.msg_id, { resolve, reject, timer });
      void this.senders[channel].send(encode(message, this.signer));
    });
  }

  request(channel: 'shell' | 'control', msgType: string, content: object = {}, timeoutMs?: number): Promise<Message> {
    return this.send(channel, this.build(msgType, content), timeoutMs);
  }

  /** Sends raw frames, signed or not, to a channel: for tests of what the kernel refuses. */
  sendRaw(channel: 'shell' | 'control' | 'stdin', frames: Array<string | Buffer>): Promise<void> {
    return this.senders[channel].send(frames);
  }

  encode(message: Message): Array<string | Buffer> {
    return encode(message, this.signer);
  }

  /** Runs a cell; resolves when both its reply and its idle status have arrived. */
  async execute(code: string, options: ExecuteOptions = {}): Promise<Execution> {
    const message = this.build('execute_request', {
      code,
      silent: options.silent ?? false,
      store_history: options.storeHistory ?? true,
      user_expressions: options.userExpressions ?? {},
      allow_stdin: options.onInput !== undefined || options.allowStdin === true,
      stop_on_error: options.stopOnError ?? true,
    });
    const id = message.header.msg_id;
    const iopub: Message[] = [];
    const idle = new Promise<void>((resolve) => {
      this.iopubListeners.set(id, (msg) => {
        iopub.push(msg);
        options.onOutput?.(msg);
        if (msg.header.msg_type === 'status' && msg.content.execution_state === 'idle') resolve();
      });
    });
    if (options.onInput) {
      const answer = options.onInput;
      this.inputHandler = (request) => {
        void Promise.resolve(answer(request.content.prompt, request.content.password)).then((value) => {
          const reply = this.build('input_reply', { value });
          reply.parent_header = request.header;
          void this.senders.stdin.send(encode(reply, this.signer));
        });
      };
    }
    const timeoutMs = options.timeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await this.send('shell', message, timeoutMs);
      // The idle status follows the reply closely; do not wait for it forever.
      await Promise.race([idle, new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no idle status within ${timeoutMs} ms of the execute_reply`)), timeoutMs);
      })]);
      return { reply, iopub };
    } finally {
      clearTimeout(timer);
      this.iopubListeners.delete(id);
      if (options.onInput) this.inputHandler = undefined;
    }
  }

  /** Listens to a cell's iopub messages (for output that arrives after its idle). */
  listen(parentMsgId: string, listener: (message: Message) => void): () => void {
    this.iopubListeners.set(parentMsgId, listener);
    return () => this.iopubListeners.delete(parentMsgId);
  }

  /** Listens to every iopub message, of any parent or none (debug events have none). */
  listenAll(listener: (message: Message) => void): () => void {
    this.anyIopubListeners.add(listener);
    return () => this.anyIopubListeners.delete(listener);
  }

  /** One heartbeat round trip; false when no echo came within the timeout. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    const socket = new Request({ linger: 0, receiveTimeout: timeoutMs, sendTimeout: timeoutMs });
    socket.connect(endpoint(this.info, 'hb'));
    try {
      const payload = randomUUID();
      await socket.send(payload);
      const [echo] = await socket.receive();
      return echo.toString() === payload;
    } catch {
      return false;
    } finally {
      socket.close();
    }
  }

  interrupt(): Promise<Message> {
    return this.request('control', 'interrupt_request', {});
  }

  /** Asks the kernel to shut down, waits for its process to exit (kills it after a grace period). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const child = this.process;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      await this.request('control', 'shutdown_request', { restart: false }, 5000).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    for (const socket of [this.shell, this.control, this.stdin, this.iopubSocket]) socket.close();
    for (const waiter of this.replyWaiters.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('the client was closed'));
    }
    this.replyWaiters.clear();
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }

  private async readReplies(socket: Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        const decoded = decode(frames, this.signer);
        if (!decoded.ok) continue;
        const parentId = decoded.message.parent_header.msg_id;
        const waiter = parentId === undefined ? undefined : this.replyWaiters.get(parentId);
        if (waiter) {
          this.replyWaiters.delete(parentId!);
          clearTimeout(waiter.timer);
          waiter.resolve(decoded.message as Message);
        }
      }
    } catch (error) {
      if (!socket.closed) throw error;
    }
  }

  private async readIopub(): Promise<void> {
    try {
      for await (const frames of this.iopubSocket) {
        const decoded = decode(frames, this.signer);
        if (!decoded.ok) continue;
        const message = decoded.message as Message;
        this.allIopub.push(message);
        for (const listener of this.anyIopubListeners) listener(message);
        const parentId = message.parent_header.msg_id;
        if (parentId !== undefined) this.iopubListeners.get(parentId)?.(message);
      }
    } catch (error) {
      if (!this.iopubSocket.closed) throw error;
    }
  }

  private async readStdin(): Promise<void> {
    try {
      for await (const frames of this.stdin) {
        const decoded = decode(frames, this.signer);
        if (decoded.ok && decoded.message.header.msg_type === 'input_request') this.inputHandler?.(decoded.message as Message);
      }
    } catch (error) {
      if (!this.stdin.closed) throw error;
    }
  }
}
