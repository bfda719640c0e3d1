/**
 * A kernel started the way Jupyter starts it (`loom kernel CONNECTION_FILE`)
 * on a connection file the test writes, so the test chooses the address and
 * sees everything the kernel prints, stdout and stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelClient } from '../../../kernel/client/client.js';
import { freePorts } from '../../../kernel/client/ports.js';
import type { ConnectionInfo } from '../../../kernel/wire/connection.js';
import { KernelLog } from './kernel-log.js';

export const LOOM_CLI = join(__dirname, '..', '..', '..', 'kernel', 'cli', 'main.js');

export interface SpawnedKernel {
  client: KernelClient;
  child: ChildProcess;
  info: ConnectionInfo;
  stdout: KernelLog;
  stderr: KernelLog;
  /** Shuts the kernel down (SIGKILL if it does not go) and removes its connection file. */
  close(): Promise<void>;
}

/** Starts a kernel bound to `ip`, with LOOM_DEBUG=1 (the most verbose log). */
export async function spawnKernel(ip = '127.0.0.1', env: NodeJS.ProcessEnv = process.env): Promise<SpawnedKernel> {
  const [shell, iopub, stdin, control, hb] = await freePorts(5, ip);
  const info: ConnectionInfo = {
    transport: 'tcp', ip, shell_port: shell, iopub_port: iopub, stdin_port: stdin, control_port: control, hb_port: hb,
    key: randomBytes(16).toString('hex'), signature_scheme: 'hmac-sha256',
  };
  const dir = mkdtempSync(join(tmpdir(), 'loom-faults-'));
  const file = join(dir, 'connection.json');
  writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  const child = spawn(process.execPath, [LOOM_CLI, 'kernel', file], {
    cwd: dir,
    env: { ...env, LOOM_DEBUG: '1', JPY_PARENT_PID: String(process.pid) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = new KernelLog(child.stdout!);
  const stderr = new KernelLog(child.stderr!);
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      await client?.request('control', 'shutdown_request', { restart: false }, 5000).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  let client: KernelClient | undefined;
  try {
    client = await KernelClient.attach(info);
  } catch (error) {
    await close();
    throw error;
  }
  return { client, child, info, stdout, stderr, close };
}
