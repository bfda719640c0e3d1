/**
 * The executor's worker threads, as debugger threads: V8's NodeWorker domain
 * (on the main thread's session) reports each worker as it starts, stopped
 * before its first line (waitForDebuggerOnStart), so its breakpoints are set
 * before any of its code runs; then it is let go. Loom's own threads (named
 * `loom ...`: the hub, the lifeline, the output flusher, this debugger's relay)
 * are let go at once and never shown.
 */
import { MACHINERY_THREAD_PREFIX } from '../executor/messages.js';
import type { CdpClient } from './cdp.js';
import { event, type DapEvent } from './dap.js';
import { DebugThread } from './debug-thread.js';
import { WorkerChannel } from './worker-channel.js';

export interface WorkerHooks {
  /** Sets a new thread up as the client wants it (breakpoints, exceptions). */
  setUp(thread: DebugThread): Promise<void>;
  onEvent(thread: DebugThread, method: string, params: any): void;
  onEnded(thread: DebugThread): void;
  publish(event: DapEvent): void;
}

interface WorkerInfo {
  workerId: string;
  title: string;
}

interface Attached {
  thread?: DebugThread;
  channel: WorkerChannel;
}

export class WorkerThreads {
  private readonly bySession = new Map<string, Attached>();
  private nextId = 2;

  constructor(private readonly hooks: WorkerHooks) {}

  all(): DebugThread[] {
    return [...this.bySession.values()].flatMap((attached) => (attached.thread ? [attached.thread] : []));
  }

  /** A NodeWorker event from the main thread's session. */
  onEvent(main: CdpClient, method: string, params: any): void {
    if (method === 'NodeWorker.attachedToWorker') void this.attached(main, params.sessionId, params.workerInfo);
    else if (method === 'NodeWorker.detachedFromWorker') this.detached(params.sessionId);
    else if (method === 'NodeWorker.receivedMessageFromWorker') this.bySession.get(params.sessionId)?.channel.receive(params.message);
  }

  clear(): void {
    for (const { channel } of this.bySession.values()) channel.close();
    this.bySession.clear();
  }

  private async attached(main: CdpClient, sessionId: string, info: WorkerInfo): Promise<void> {
    const channel = new WorkerChannel(main, sessionId);
    const name = nameOf(info);
    if (name.startsWith(MACHINERY_THREAD_PREFIX)) {
      this.bySession.set(sessionId, { channel });
      await channel.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
      await main.send('NodeWorker.detach', { sessionId }).catch(() => undefined);
      this.detached(sessionId);
      return;
    }
    const thread = new DebugThread(this.nextId++, name, channel);
    this.bySession.set(sessionId, { thread, channel });
    channel.on('event', (method, params) => this.hooks.onEvent(thread, method, params));
    try {
      await this.hooks.setUp(thread);
    } finally {
      await channel.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
    }
    this.hooks.publish(event('thread', { reason: 'started', threadId: thread.id }));
  }

  private detached(sessionId: string): void {
    const attached = this.bySession.get(sessionId);
    if (!attached) return;
    this.bySession.delete(sessionId);
    attached.channel.close();
    if (!attached.thread) return;
    this.hooks.onEnded(attached.thread);
    this.hooks.publish(event('thread', { reason: 'exited', threadId: attached.thread.id }));
  }
}

/** `[worker 3] Thread-1` -> `Thread-1`; an unnamed worker (a pool's) -> `worker 3`. */
function nameOf(info: WorkerInfo): string {
  const match = /^\[(worker \d+)\]\s*(.*)$/.exec(info.title);
  if (!match) return info.title || `worker ${info.workerId}`;
  return match[2] || match[1]!;
}
