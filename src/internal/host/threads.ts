/**
 * The threads loom starts (Thread, thread pools, hub threads): what each
 * requires first, how its console reaches stdout, V8's tuning for them, and
 * what its starter hears when one exits. Read where threads are started
 * (threading/thread.ts, internal/pool/thread-engine.ts, internal/hub/client.ts)
 * and passed on by every thread to the threads it starts.
 */

export interface ThreadHooks {
  /** Absolute paths of modules every new thread requires before user code (e.g. the kernel's output routing). @default [] */
  threadPreload: string[];
  /**
   * How a thread's console output reaches stdout/stderr. `'direct'` writes
   * with fs.writeSync from the thread itself, so output is live even while the
   * starting thread busy-loops; `'node'` keeps Node's default (piped through
   * the starter's event loop, delayed while it is busy).
   * @default 'direct'
   */
  threadStdio: 'direct' | 'node';
  /**
   * Set V8's --no-concurrent-osr before the first thread starts, so a hot loop
   * that runs once in a thread gets optimised on a busy machine (see
   * internal/v8-tuning.ts for the measurements). Process-wide; set to false
   * before starting threads to keep V8's default. Child processes get the
   * same flag (internal/hub/child.ts).
   * @default true
   */
  disableConcurrentOsr: boolean;
  /**
   * In the thread that owns a thread pool: one of its worker threads has
   * exited, also when it was terminated in the middle of a task (an
   * interrupt). A host whose threads share locks of its own (the kernel's
   * output buffer) frees what that thread still held.
   * @default () => {}
   */
  threadExited: (threadId: number) => void;
}

/** Mutable on purpose: a host assigns the fields it needs once at start-up. */
export const threadHooks: ThreadHooks = {
  threadPreload: [],
  threadStdio: 'direct',
  disableConcurrentOsr: true,
  threadExited: () => {},
};
