/**
 * The other half of Process.start(): inside the child, rebuild the Process
 * object (the subclass instance with its fields, or a Process with its
 * target) without running its constructor, as Python's unpickling does.
 */
import type { ProcessJob } from '../internal/hub/protocol.js';
import { decode } from '../internal/share/encode.js';
import { reviveCode } from '../internal/ship/revive-code.js';
import { setCurrentProcess } from '../multiprocessing/current.js';
import { newCore, setCore } from '../multiprocessing/process-core.js';
import { Process } from '../multiprocessing/process.js';

export function reviveProcess(job: ProcessJob, identity: number[]): Process {
  const cls = job.cls ? reviveCode<typeof Process>(job.cls, true) : Process;
  const proc = Object.create(cls.prototype) as Process;
  setCore(proc, newCore({
    name: job.name,
    daemon: job.daemon,
    target: job.target ? reviveCode<(...args: never[]) => unknown>(job.target, true) : undefined,
    args: decode(job.args) as unknown[],
    identity,
    inside: true,
    started: true,
  }));
  Object.assign(proc, decode(job.fields));
  setCurrentProcess(proc, identity);
  return proc;
}
