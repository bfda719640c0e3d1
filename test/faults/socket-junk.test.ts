/**
 * Junk below the Jupyter message: raw bytes on TCP connections to all five
 * ports (ZeroMQ greetings cut short or followed by garbage, frames that claim
 * to be huge), ZeroMQ peers of the wrong socket type, and odd but legal
 * heartbeat payloads. Afterwards every channel still works. Bytes come from
 * fast-check with a printed seed (LOOM_FUZZ_SEED replays).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Dealer, Publisher, Request, Subscriber } from 'zeromq';
import { endpoint, type Channel } from '../../kernel/wire/connection.js';
import { streamText } from '../helpers/outputs.js';
import { startLoggedKernel } from './helpers/kernel-log.js';

const CHANNELS: Channel[] = ['shell', 'control', 'stdin', 'iopub', 'hb'];

/** A ZMTP 3 greeting: signature, version 3.0, mechanism NULL, as-server 0, padding. */
function greeting(): Buffer {
  const bytes = Buffer.alloc(64);
  bytes[0] = 0xff;
  bytes[9] = 0x7f;
  bytes[10] = 3;
  bytes.write('NULL', 12);
  return bytes;
}

/** What one raw connection sends. */
const rawJunk = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 4096 }).map((bytes) => ({ what: 'random bytes', bytes: Buffer.from(bytes) })),
  fc.integer({ min: 1, max: 63 }).map((cut) => ({ what: 'a greeting cut short', bytes: greeting().subarray(0, cut) })),
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({ what: 'a greeting, then garbage', bytes: Buffer.concat([greeting(), Buffer.from(bytes)]) })),
  fc.bigInt({ min: 1n << 40n, max: (1n << 63n) - 1n }).map((size) => {
    // A long frame (flag 0x02) that claims to be terabytes.
    const header = Buffer.alloc(9);
    header[0] = 0x02;
    header.writeBigUInt64BE(size, 1);
    return { what: 'a frame that claims to be huge', bytes: Buffer.concat([greeting(), header, Buffer.alloc(100, 1)]) };
  }),
);

/** Connects, writes, and closes; resolves when the kernel has closed or the write is done. */
async function sendRaw(port: number, bytes: Buffer): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {}); // the kernel may reset the connection: that is its right
  await once(socket, 'connect');
  await new Promise<void>((resolve) => socket.write(bytes, () => resolve()));
  socket.destroy();
}

describe('junk below the message layer', { timeout: 120_000 }, () => {
  it('raw_bytes_and_wrong_peers_on_every_port_leave_every_channel_working', async (t) => {
    const seed = Number(process.env.LOOM_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const { kernel, log } = await startLoggedKernel({ cwd: tmpdir() });
    const peers: Array<Dealer | Publisher | Subscriber | Request> = [];
    try {
      const junk = fc.sample(rawJunk, { seed, numRuns: 300 });
      for (const [index, { bytes }] of junk.entries()) {
        await sendRaw(kernel.info[`${CHANNELS[index % CHANNELS.length]}_port`], bytes);
      }
      const kinds = new Map<string, number>();
      for (const { what } of junk) kinds.set(what, (kinds.get(what) ?? 0) + 1);
      t.diagnostic(`seed ${seed}: ${junk.length} raw connections over the five ports (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')})`);

      // ZeroMQ peers of the wrong kind: a publisher on shell, a dealer on iopub and on the heartbeat.
      const publisher = new Publisher({ linger: 0 });
      publisher.connect(endpoint(kernel.info, 'shell'));
      const intoIopub = new Dealer({ linger: 0 });
      intoIopub.connect(endpoint(kernel.info, 'iopub'));
      const intoHeartbeat = new Dealer({ linger: 0, sendTimeout: 1000 });
      intoHeartbeat.connect(endpoint(kernel.info, 'hb'));
      peers.push(publisher, intoIopub, intoHeartbeat);
      for (let i = 0; i < 20; i++) {
        await publisher.send(['<IDS|MSG>', 'junk']).catch(() => {});
        // A REP drops requests without the empty delimiter frame.
        await intoHeartbeat.send([`no delimiter ${i}`]).catch(() => {});
      }
      // A subscriber with odd subscriptions is a legal peer; it must not disturb others.
      const subscriber = new Subscriber({ linger: 0 });
      subscriber.connect(endpoint(kernel.info, 'iopub'));
      subscriber.subscribe('\u0000\u00ff');
      subscriber.subscribe('x'.repeat(10_000));
      peers.push(subscriber);

      // Heartbeat payloads of every shape come back unchanged.
      const hb = new Request({ linger: 0, receiveTimeout: 10_000 });
      hb.connect(endpoint(kernel.info, 'hb'));
      peers.push(hb);
      for (const payload of [[''], [Buffer.alloc(1 << 20, 7)], ['a', 'b', 'c'], [Buffer.from([0, 255, 0])]]) {
        await hb.send(payload);
        const echo = await hb.receive();
        assert.deepEqual(echo.map((frame) => Buffer.from(frame)), payload.map((frame) => Buffer.from(frame)), 'the heartbeat echoes what it got');
      }

      // Every channel still works: shell, control, iopub (the cell's output), stdin (an input round trip), heartbeat.
      const { reply, iopub } = await kernel.execute("console.log('still here'); input('name? ')", { onInput: () => 'Ada' });
      assert.equal(reply.content.status, 'ok');
      assert.equal(streamText(iopub), 'still here\n');
      assert.equal((await kernel.request('control', 'kernel_info_request')).content.status, 'ok');
      assert.ok(await kernel.ping(10_000));
      assert.equal(kernel.process!.exitCode, null);
      const marker = randomUUID();
      await kernel.execute(`// ${marker}`);
      assert.deepEqual(log.lines.filter((line) => line.startsWith('[loom error]')), [], 'nothing in the kernel failed');
    } finally {
      for (const peer of peers) peer.close();
      await kernel.close();
    }
  });
});
