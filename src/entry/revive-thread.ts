/**
 * The other half of Thread.start(): inside the new thread, rebuild the Thread
 * object (the subclass instance with its fields, or a Thread with its target)
 * without running its constructor, as Python's unpickling does.
 */
import { threadId } from 'node:worker_threads';
import type { ThreadInit } from '../internal/thread/messages.js';
import { decode } from '../internal/share/encode.js';
import { reviveCode } from '../internal/ship/revive-code.js';
import { setCurrentThread } from '../threading/current.js';
import { newCore, setCore } from '../threading/thread-core.js';
import { Thread } from '../threading/thread.js';

export function reviveThread(init: ThreadInit): Thread {
  const { job } = init;
  const cls = job.cls ? reviveCode<typeof Thread>(job.cls, true) : Thread;
  const thread = Object.create(cls.prototype) as Thread;
  setCore(thread, newCore({
    name: job.name,
    daemon: job.daemon,
    target: job.target ? reviveCode<(...args: never[]) => unknown>(job.target, true) : undefined,
    args: decode(job.args) as unknown[],
    inside: true,
    started: true,
    control: new Int32Array(init.control),
    ident: threadId,
  }));
  Object.assign(thread, decode(job.fields));
  setCurrentThread(thread);
  return thread;
}
