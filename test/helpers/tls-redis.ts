/**
 * A real redis-server serving TLS only, for the `rediss://` tests: a throwaway
 * CA and a server certificate for 127.0.0.1 made by `openssl` in a temp dir,
 * one ACL user with a password (the default user is off), no plain port.
 * A second, unrelated CA is made too: trusting it instead is "the wrong CA".
 * Tethered like every test Redis (it never outlives this process).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { freePort, REDIS_SERVER, untilRedisAnswers } from '../../src/internal/cluster/local-redis.js';
import { spawnTethered, type Tethered } from '../../src/internal/cluster/tethered.js';

export interface TlsRedis {
  /** `rediss://USER:PASSWORD@127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** The CA that signed the server's certificate (PEM file). */
  readonly caFile: string;
  /** A CA that signed nothing the server shows. */
  readonly wrongCaFile: string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Whether `openssl` is on PATH (Debian: the `openssl` package, not Essential; .ci/run installs it). */
export function opensslInstalled(): boolean {
  const found = spawnSync('sh', ['-c', 'command -v openssl'], { stdio: 'ignore' }).status === 0;
  if (!found) process.stderr.write('\n*** SKIPPED the TLS cluster tests: no `openssl` on PATH (Debian: apt-get install openssl; .ci/run does). ***\n\n');
  return found;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A self-signed CA `name`.crt / `name`.key (EC keys: made in milliseconds). */
function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=loom test ${name}`]);
}

/** server.crt for 127.0.0.1 (as an IP subjectAltName: what Node checks), signed by ca. */
function makeServerCert(dir: string): void {
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext']);
}

export async function startTlsRedis(user: string, password: string): Promise<TlsRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-tls-redis-'));
  let server: Tethered | undefined;
  const stop = async () => {
    const running = server;
    server = undefined;
    await running?.cut();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    makeCa(dir, 'ca');
    makeCa(dir, 'wrong-ca');
    makeServerCert(dir);
    const port = await freePort();
    server = await spawnTethered(REDIS_SERVER, [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--dir', dir,
      '--tls-cert-file', join(dir, 'server.crt'), '--tls-key-file', join(dir, 'server.key'),
      '--tls-ca-cert-file', join(dir, 'ca.crt'), '--tls-auth-clients', 'no',
      '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', '', '--loglevel', 'warning',
      '--user', 'default', 'off', '--user', user, 'on', `>${password}`, '~*', '&*', '+@all',
    ], { stderr: 'ignore' });
    const ca = readFileSync(join(dir, 'ca.crt'));
    await untilRedisAnswers(() => ({ socket: connect({ port, host: '127.0.0.1', ca }), ready: 'secureConnect' }), `AUTH ${user} ${password}\r\n`, 10_000, `the TLS redis-server on 127.0.0.1:${port}`);
    return {
      url: `rediss://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`, port,
      caFile: join(dir, 'ca.crt'), wrongCaFile: join(dir, 'wrong-ca.crt'),
      stop, [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
