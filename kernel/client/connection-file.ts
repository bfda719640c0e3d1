import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionInfo } from '../wire/connection.js';
import { freePorts } from './ports.js';

export interface ConnectionFile {
  info: ConnectionInfo;
  /** A fresh temp folder holding only the file; the caller removes it. */
  dir: string;
  file: string;
}

/** Connection info on free loopback ports with a random key, written (mode 600) where a kernel can read it. */
export async function writeConnectionFile(dirPrefix: string): Promise<ConnectionFile> {
  const [shell, iopub, stdin, control, hb] = await freePorts(5);
  const info: ConnectionInfo = {
    transport: 'tcp', ip: '127.0.0.1', shell_port: shell, iopub_port: iopub, stdin_port: stdin,
    control_port: control, hb_port: hb, key: randomBytes(16).toString('hex'), signature_scheme: 'hmac-sha256',
  };
  const dir = mkdtempSync(join(tmpdir(), dirPrefix));
  const file = join(dir, 'connection.json');
  writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  return { info, dir, file };
}
