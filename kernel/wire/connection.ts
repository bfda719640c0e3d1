import { getHashes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KernelError } from '../errors.js';

/** The connection file a Jupyter client writes for the kernel it starts. */
export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

export type Channel = 'shell' | 'iopub' | 'stdin' | 'control' | 'hb';

const PORT_FIELDS = ['shell_port', 'iopub_port', 'stdin_port', 'control_port', 'hb_port'] as const;

export class ConnectionFileError extends KernelError {
  readonly code = 'ERR_LOOM_CONNECTION_FILE';
}

/**
 * Reads and checks a connection file; every problem names the field (and the
 * value, except the key's). It holds the key, so an error never quotes the
 * file: V8's JSON errors do (`Unexpected token 'a', "{"key": abc..."`).
 */
export function readConnectionFile(path: string): ConnectionInfo {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConnectionFileError(`cannot read connection file ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    throw new ConnectionFileError(`connection file ${path} is not valid JSON${position === undefined ? '' : ` (at character ${position})`}`);
  }
  return parseConnectionInfo(raw);
}

export function parseConnectionInfo(raw: unknown): ConnectionInfo {
  if (typeof raw !== 'object' || raw === null) throw new ConnectionFileError('connection info must be a JSON object');
  const info = raw as Record<string, unknown>;
  const transport = info.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc') {
    throw new ConnectionFileError(`transport must be "tcp" or "ipc", got ${JSON.stringify(transport)}`);
  }
  if (typeof info.ip !== 'string' || info.ip === '') {
    throw new ConnectionFileError(`ip must be a non-empty string, got ${JSON.stringify(info.ip)}`);
  }
  for (const field of PORT_FIELDS) {
    const port = info[field];
    if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) {
      throw new ConnectionFileError(`${field} must be a port number, got ${JSON.stringify(port)}`);
    }
  }
  const key = info.key ?? '';
  if (typeof key !== 'string') throw new ConnectionFileError('key must be a string');
  const scheme = info.signature_scheme ?? 'hmac-sha256';
  if (typeof scheme !== 'string' || !scheme.startsWith('hmac-')) {
    throw new ConnectionFileError(`signature_scheme must look like "hmac-sha256", got ${JSON.stringify(scheme)}`);
  }
  if (!getHashes().includes(scheme.slice('hmac-'.length))) {
    throw new ConnectionFileError(`signature_scheme ${JSON.stringify(scheme)} is not supported: Node has no hash ${JSON.stringify(scheme.slice('hmac-'.length))}`);
  }
  return { ...(info as unknown as ConnectionInfo), transport, key, signature_scheme: scheme };
}

/** The ZeroMQ endpoint of one channel, as Jupyter spells it for each transport. */
export function endpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port`];
  return info.transport === 'tcp' ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}
