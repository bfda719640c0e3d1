/**
 * The kernel listens only where its connection file says: the five ports, on
 * that address, and nowhere else (not 0.0.0.0, no stray port), and its executor
 * listens on nothing. Read from /proc/net/tcp{,6} and /proc/<pid>/fd (Linux).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { describe, it } from 'node:test';
import { descendantsOf } from '../helpers/processes.js';
import { spawnKernel } from './helpers/spawn-kernel.js';

const LISTEN = '0A';

interface Listening {
  address: string;
  port: number;
}

/** Listening TCP sockets by inode, from /proc/net/tcp and tcp6. */
function listeningSockets(): Map<string, Listening> {
  const found = new Map<string, Listening>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // no IPv6 on this machine
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (state !== LISTEN) continue;
      const [hexAddress, hexPort] = local.split(':');
      found.set(inode, { address: decodeAddress(hexAddress), port: parseInt(hexPort, 16) });
    }
  }
  return found;
}

/** /proc/net/tcp writes IPv4 as one little-endian 32-bit word; IPv6 as four. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g)!.map((word) => word.match(/../g)!.reverse().join(''));
  if (words.length === 1) return words[0].match(/../g)!.map((byte) => parseInt(byte, 16)).join('.');
  return words.join('').match(/.{4}/g)!.join(':');
}

/** The socket inodes a process has open. */
function socketInodes(pid: number): string[] {
  const inodes: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.push(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

function listeningOf(pid: number): Listening[] {
  const sockets = listeningSockets();
  return socketInodes(pid).flatMap((inode) => sockets.get(inode) ?? []);
}

describe('bind address', { timeout: 60_000 }, () => {
  for (const ip of ['127.0.0.1', '127.0.0.2']) {
    it(`the_kernel_listens_only_on_the_five_ports_at_${ip.replaceAll('.', '_')}`, async (t) => {
      const kernel = await spawnKernel(ip);
      try {
        // A cell ran, so the executor is up with everything it opens.
        assert.equal((await kernel.client.execute('1 + 1')).reply.content.status, 'ok');
        const listening = listeningOf(kernel.child.pid!).sort((a, b) => a.port - b.port);
        const { info } = kernel;
        const expected = [info.shell_port, info.iopub_port, info.stdin_port, info.control_port, info.hb_port].sort((a, b) => a - b).map((port) => ({ address: ip, port }));
        t.diagnostic(`kernel listens on ${listening.map((l) => `${l.address}:${l.port}`).join(', ')}`);
        assert.deepEqual(listening, expected);
        for (const pid of descendantsOf(kernel.child.pid!)) assert.deepEqual(listeningOf(pid), [], `process ${pid} started by the kernel listens on nothing`);
      } finally {
        await kernel.close();
      }
    });
  }
});
