/**
 * A debug client over a real kernel, as JupyterLab's debugger speaks to it:
 * DAP requests in debug_request on control, DAP events from debug_event on
 * iopub, taken in the order they came.
 */
import type { KernelClient, Message } from '../../kernel/client/client.js';

export interface DapEvent {
  event: string;
  body: Record<string, any>;
}

export class DebugSession {
  private seq = 0;
  private readonly events: DapEvent[] = [];
  private waiter: (() => void) | undefined;
  private readonly stopListening: () => void;

  constructor(private readonly kernel: KernelClient) {
    this.stopListening = kernel.listenAll((message: Message) => {
      if (message.header.msg_type !== 'debug_event') return;
      this.events.push(message.content as DapEvent);
      this.waiter?.();
    });
  }

  /** Sends one request; resolves with the DAP response. */
  async request(command: string, args: Record<string, unknown> = {}): Promise<Record<string, any>> {
    this.seq += 1;
    const reply = await this.kernel.request('control', 'debug_request', { type: 'request', seq: this.seq, command, arguments: args }, 30_000);
    return reply.content;
  }

  /** initialize and attach, as JupyterLab starts a session. */
  async start(): Promise<void> {
    const initialized = await this.request('initialize', { clientID: 'loom-tests', adapterID: 'loom', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    if (!initialized.success) throw new Error(`initialize failed: ${initialized.message}`);
    await this.request('attach');
  }

  /** The next event of that name (earlier events of other names are dropped). */
  async next(name: string, timeoutMs = 60_000): Promise<DapEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.events.findIndex((event) => event.event === name);
      if (index !== -1) return this.events.splice(0, index + 1).at(-1)!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${name} event within ${timeoutMs} ms (got: ${this.events.map((event) => event.event).join(', ') || 'none'})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Waits for a stop; answers its reason and the stack, top first. */
  async stopped(): Promise<{ reason: string; text?: string; frames: { id: number; name: string; line: number; source?: { path: string } }[] }> {
    const stop = await this.next('stopped');
    const trace = await this.request('stackTrace', { threadId: stop.body.threadId });
    return { reason: stop.body.reason, text: stop.body.text, frames: trace.body.stackFrames };
  }

  /** The variables of a frame's scope, by name. */
  async variables(frameId: number, scopeName: string): Promise<Map<string, Record<string, any>>> {
    const scopes = await this.request('scopes', { frameId });
    const scope = scopes.body.scopes.find((s: { name: string }) => s.name === scopeName);
    if (!scope) throw new Error(`no ${scopeName} scope in ${JSON.stringify(scopes.body.scopes)}`);
    const answer = await this.request('variables', { variablesReference: scope.variablesReference });
    return new Map(answer.body.variables.map((v: { name: string }) => [v.name, v]));
  }

  close(): void {
    this.stopListening();
  }
}
