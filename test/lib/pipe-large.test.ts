/**
 * Pipe messages larger than the pipe's 1 MiB ring (issue 19), as CPython's
 * _test_multiprocessing.py test_connection sends one of 16 MiB
 * (`really_big_msg`, echoed back by a child with send_bytes): they go
 * through the ring in chunks, in both directions, between threads and
 * between processes, whole and in order. Contents are checked byte for byte
 * against a pattern (every byte, by the receiver), not by sampling.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deserialize } from 'node:v8';
import { EOFError, ItemTooLargeError, multiprocessing, Process, Thread } from '../../src/index.js';
import { assertNothingLeftAtEnd } from './helpers.js';

const { Pipe } = multiprocessing;

assertNothingLeftAtEnd();

const MiB = 1024 * 1024;

/** Bytes with a pattern that shifts with `seed`, so a chunk out of place or from another message shows. */
function patterned(size: number, seed: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed + (i >>> 18)) & 255;
  return bytes;
}

/** The first byte that differs from patterned(size, seed), or -1 (the same formula is inlined in the children's targets). */
function firstWrong(bytes: Uint8Array, size: number, seed: number): number {
  if (bytes.length !== size) return -2;
  for (let i = 0; i < size; i++) if (bytes[i] !== ((i * 31 + seed + (i >>> 18)) & 255)) return i;
  return -1;
}

test('_test_multiprocessing.py test_connection (really_big_msg): 16 MiB with sendBytes to a child and echoed back, and 64 MiB both ways (sendBytes one way, send of an object the other)', async () => {
  const [parent, child] = Pipe<unknown>();
  const p = new Process({
    target: (conn: multiprocessing.Connection<unknown>) => {
      const check = (bytes: Uint8Array, size: number, seed: number): number => {
        if (bytes.length !== size) return -2;
        for (let i = 0; i < size; i++) if (bytes[i] !== ((i * 31 + seed + (i >>> 18)) & 255)) return i;
        return -1;
      };
      // The echo of CPython's test: the same bytes back.
      conn.sendBytes(conn.recvBytesSync());
      const big = conn.recvBytesSync();
      const wrong = check(big, 64 * 1024 * 1024, 2);
      // Back as an object of its own (v8 serialization, 64 MiB too): the bytes shifted by one seed.
      for (let i = 0; i < big.length; i++) big[i] = (big[i] + 1) & 255;
      conn.send({ wrong, data: new Uint8Array(big.buffer, big.byteOffset, big.length), text: 'done' });
      conn.close();
    },
    args: [child],
  });
  p.start();
  child.close();
  const msg16 = patterned(16 * MiB, 1);
  parent.sendBytes(msg16);
  assert.equal(firstWrong(await parent.recvBytes(), 16 * MiB, 1), -1, 'the 16 MiB echo');
  parent.sendBytes(patterned(64 * MiB, 2));
  const back = (await parent.recv()) as { wrong: number; data: Uint8Array; text: string };
  assert.equal(back.wrong, -1, 'the child received the 64 MiB sendBytes intact');
  assert.equal(back.text, 'done');
  assert.ok(back.data instanceof Uint8Array);
  assert.equal(firstWrong(back.data, 64 * MiB, 3), -1, 'the 64 MiB object from the child');
  parent.close();
  await p.join();
});

test('between threads: a 16 MiB string and a 16 MiB Buffer each way, and a 64 MiB object; recvSync and recv', async () => {
  const [main, other] = Pipe<unknown>();
  const t = new Thread({
    target: (conn: multiprocessing.Connection<unknown>) => {
      const s = conn.recvSync() as string;
      conn.send(s.length === 16 * 1024 * 1024 && s[0] === 'é' && s.endsWith('xyz') ? s.toUpperCase() : 'bad string');
      const b = conn.recvBytesSync();
      conn.sendBytes(b, 1);
      const o = conn.recvSync() as { data: Float64Array };
      conn.send({ n: o.data.length, last: o.data[o.data.length - 1] });
    },
    args: [other],
  });
  t.start();
  const text = 'é' + 'a'.repeat(16 * MiB - 4) + 'xyz';
  main.send(text);
  assert.equal(await main.recv(), text.toUpperCase());
  const bytes = patterned(16 * MiB, 7);
  main.sendBytes(bytes);
  assert.equal(main.recvBytesSync().equals(bytes.subarray(1)), true, 'the echo from offset 1');
  const data = new Float64Array(8 * MiB).map((_, i) => i);
  main.send({ data });
  assert.deepEqual(main.recvSync(), { n: 8 * MiB, last: 8 * MiB - 1 });
  await t.join();
  main.close();
});

// Python's docs say concurrent writers on one end may corrupt a message; loom keeps each message whole with a
// send lock per writing end, shared by the threads of the pipe's maker and the child processes that hold the end.
test('several senders on one end at once (two threads and a child process): chunks of two messages never interleave', async () => {
  const [reader, writer] = Pipe<unknown>(false);
  // The threads share this process's copy of the end (closing it in one would close it for all, as in Python);
  // the child has a copy of its own, closed when it exits.
  const sender = (w: multiprocessing.Connection<unknown>, seed: number) => {
    for (let m = 0; m < 4; m++) {
      const bytes = Buffer.allocUnsafe(3 * 1024 * 1024 + m);
      bytes.fill(seed * 16 + m);
      w.sendBytes(bytes);
    }
  };
  const threads = [1, 2].map((seed) => new Thread({ target: sender, args: [writer, seed] }));
  const p = new Process({ target: sender, args: [writer, 3] });
  p.start();
  for (const t of threads) t.start();
  const seen = new Map<number, number>();
  for (let k = 0; k < 12; k++) {
    const got = await reader.recvBytes();
    const first = got[0];
    assert.equal(got.length, 3 * 1024 * 1024 + (first % 16), 'the whole message');
    assert.equal(got.every((byte) => byte === first), true, `message ${k} holds one sender's bytes only`);
    assert.equal(first % 16, seen.get(first >> 4) ?? 0, 'each sender\'s messages in order');
    seen.set(first >> 4, (first % 16) + 1);
  }
  for (const t of threads) await t.join();
  writer.close();
  await assert.rejects(reader.recv(), EOFError, 'the threads are done, this process closed its copy, the child exited');
  await p.join();
});

test('a child reading large messages: poll is true once one is there; recvBytes of an object sent with send() is its v8 serialization; two recv() at once take turns', async () => {
  const [parent, child] = Pipe<unknown>();
  const p = new Process({
    target: (conn: multiprocessing.Connection<unknown>) => {
      const polled = conn.pollSync(null);
      const first = conn.recvSync() as string;
      const raw = conn.recvBytesSync();
      conn.send([polled, first.length, raw.length > 2 * 1024 * 1024]);
      conn.sendBytes(raw);
      conn.sendBytes(Buffer.alloc(2 * 1024 * 1024, 1));
      conn.sendBytes(Buffer.alloc(3 * 1024 * 1024, 2));
    },
    args: [child],
  });
  p.start();
  child.close();
  parent.send('z'.repeat(3 * MiB));
  const object = { list: Array.from({ length: 300_000 }, (_, i) => i * 1.5) };
  parent.send(object);
  assert.deepEqual(await parent.recv(), [true, 3 * MiB, true]);
  assert.deepEqual(deserialize(await parent.recvBytes()), object);
  // Two recv() calls at once take turns: neither takes chunks of the other's message.
  const [first, second] = await Promise.all([parent.recv(), parent.recv()]);
  assert.deepEqual([(first as Buffer).length, (first as Buffer)[0], (second as Buffer).length, (second as Buffer)[0]], [2 * MiB, 1, 3 * MiB, 2]);
  parent.close();
  await p.join();
});

test('a multiprocessing.Queue item over its byteCapacity still throws ItemTooLargeError, here and in a child', async () => {
  const q = new multiprocessing.Queue<Buffer>();
  assert.throws(() => q.putSync(Buffer.alloc(2 * MiB)), ItemTooLargeError);
  const [reply, replyEnd] = Pipe<string>(false);
  const p = new Process({
    target: (q: multiprocessing.Queue<Buffer>, reply: multiprocessing.Connection<string>) => {
      try {
        q.putSync(Buffer.alloc(2 * 1024 * 1024));
        reply.send('put');
      } catch (error) {
        reply.send((error as Error).name);
      }
    },
    args: [q, replyEnd],
  });
  p.start();
  replyEnd.close();
  assert.equal(await reply.recv(), 'ItemTooLargeError');
  await p.join();
  assert.equal(q.empty(), true);
});
