/**
 * Kernels started and driven through Debian's jupyter_client, for
 * bench/memory.ts: the Node side of bench/python/memory_client.py (its
 * docstring has the commands). One command at a time; each answer is the
 * next line the driver prints.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const PYTHON = '/usr/bin/python3';

export interface KernelCommand {
  argv: string[];
  /** Added to the environment, as a kernelspec's `env`. */
  env?: Record<string, string>;
  cwd?: string;
}

/** Why the driver cannot run here, or undefined when it can. */
export function driverMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import jupyter_client, ipykernel'], { stdio: 'ignore' });
  return probe.status === 0 ? undefined : `${PYTHON} cannot import jupyter_client and ipykernel (apt-get install python3-jupyter-client python3-ipykernel)`;
}

export class JupyterDriver {
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;
  readonly #answers: string[] = [];
  #waiting: ((line: string | undefined) => void) | undefined;
  #ended = false;
  #nextId = 1;

  constructor(root: string) {
    this.#child = spawn(PYTHON, [join(root, 'bench', 'python', 'memory_client.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: this.#child.stdout });
    lines.on('line', (line) => this.#deliver(line));
    lines.on('close', () => {
      this.#ended = true;
      this.#deliver(undefined);
    });
  }

  #deliver(line: string | undefined): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) waiting(line);
    else if (line !== undefined) this.#answers.push(line);
  }

  async #ask(command: Record<string, unknown>): Promise<Record<string, any>> {
    this.#child.stdin.write(`${JSON.stringify(command)}\n`);
    const line = this.#answers.shift() ?? (this.#ended ? undefined : await new Promise<string | undefined>((resolve) => (this.#waiting = resolve)));
    if (line === undefined) throw new Error(`the jupyter_client driver exited during ${command.op}`);
    const answer = JSON.parse(line) as Record<string, any>;
    if (answer.error) throw new Error(`jupyter_client ${command.op}: ${answer.error}`);
    return answer;
  }

  /** Starts a kernel and waits until it answers kernel_info; returns its id here and its pid. */
  async start(kernel: KernelCommand): Promise<{ id: number; pid: number }> {
    const id = this.#nextId++;
    const { pid } = await this.#ask({ op: 'start', id, ...kernel });
    return { id, pid: pid as number };
  }

  /** Runs cells one after the other, each to idle; the seconds each took, and the failures. */
  async run(id: number, cells: string[], timeoutSeconds = 600): Promise<{ seconds: number[]; errors: string[] }> {
    const { seconds, errors } = await this.#ask({ op: 'run', id, cells, timeout: timeoutSeconds });
    return { seconds, errors };
  }

  /** Shuts the kernel down (killed if it has not exited 10 s later). */
  async stop(id: number): Promise<void> {
    await this.#ask({ op: 'stop', id });
  }

  /** Ends the driver, which shuts down any kernel still running. */
  close(): void {
    this.#child.stdin.end();
  }

  /** For a signal handler: the driver's finally still stops its kernels. */
  kill(): void {
    this.#child.kill('SIGINT');
  }
}
