/**
 * A process that cannot outlive the one that started it, even one that is
 * killed with SIGKILL. redis-server and a `loom worker` started for a local
 * cluster have no lifeline of their own (internal/lifeline.ts is loom's children's),
 * so each runs under a small `sh` that waits on a pipe from this process and
 * kills its command when the pipe reads EOF: exactly when this process is gone
 * or ends the tether. The command's own pid is reported first on stdout, so it
 * can be signalled itself (a demo kills a worker, a test kills Redis).
 */
import { spawn, type ChildProcess } from 'node:child_process';

// The command's stdout goes to stderr: stdout carries its pid alone.
const WRAPPER = '"$@" >&2 & pid=$!; echo "$pid"; cat >/dev/null; kill -KILL "$pid" 2>/dev/null; { wait "$pid"; } 2>/dev/null';

export interface Tethered {
  /** The command's pid (not the sh's). */
  readonly pid: number;
  readonly sh: ChildProcess;
  /** Resolves when the command has exited (sh ends right after it). */
  readonly exited: Promise<void>;
  /** Ends the tether: the command is killed (SIGKILL) if still running; resolves when it has exited. */
  cut(): Promise<void>;
}

/** Starts `command args` tethered to this process; what it prints goes to `stderr` (inherited by default). */
export function spawnTethered(command: string, args: string[], options: { stderr?: 'inherit' | 'ignore'; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Tethered> {
  const sh = spawn('sh', ['-c', WRAPPER, 'sh', command, ...args], {
    stdio: ['pipe', 'pipe', options.stderr ?? 'inherit'], env: options.env, cwd: options.cwd,
  });
  const exited = new Promise<void>((resolve) => sh.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      sh.stdout!.off('data', onData);
      const pid = Number(out.slice(0, newline));
      resolve({
        pid, sh, exited,
        cut: () => {
          sh.stdin!.end();
          return exited;
        },
      });
    };
    sh.stdout!.on('data', onData);
    sh.once('error', reject);
    sh.once('exit', (code) => reject(new Error(`could not start ${command} (sh exited with ${code})`)));
  });
}
