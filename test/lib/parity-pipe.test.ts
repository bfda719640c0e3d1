/**
 * Connection.sendBytes / recvBytes / poll as CPython's _test_multiprocessing.py checks them
 * (issue 19): an offset or size out of range raises ValueError (loom: ArgumentValueError)
 * instead of being clamped; a message sent with send() read by recvBytes is its serialization
 * (Python's: its pickle), not a crash; poll(-1) just looks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deserialize } from 'node:v8';
import { ArgumentTypeError, ArgumentValueError, multiprocessing, Process } from '../../src/index.js';
import { assertNothingLeftAtEnd } from './helpers.js';

const { Pipe } = multiprocessing;

assertNothingLeftAtEnd();

const MSG = 'abcdefghijklmnopqrstuvwxyz';

test('_test_multiprocessing.py test_sendbytes: offset and size select bytes; offset == length and size 0 send nothing, from a child process', async () => {
  const [parent, child] = Pipe();
  const p = new Process({
    target: (conn: multiprocessing.Connection) => {
      const msg = Buffer.from('abcdefghijklmnopqrstuvwxyz');
      conn.sendBytes(msg);
      conn.sendBytes(msg, 5);
      conn.sendBytes(msg, 7, 8);
      conn.sendBytes(msg, 26);
      conn.sendBytes(msg, 26, 0);
    },
    args: [child],
  });
  p.start();
  const got: string[] = [];
  for (let i = 0; i < 5; i++) got.push((await parent.recvBytes()).toString('latin1'));
  assert.deepEqual(got, [MSG, MSG.slice(5), MSG.slice(7, 7 + 8), '', '']);
  await p.join();
});

test('_test_multiprocessing.py test_sendbytes: an offset or size outside the buffer raises ValueError (ArgumentValueError) and sends nothing', () => {
  const [a, b] = Pipe();
  const msg = Buffer.from(MSG);
  const refused = (offset: number, size: number | undefined, pattern: RegExp): void => {
    assert.throws(() => a.sendBytes(msg, offset, size), (e: Error) => e instanceof ArgumentValueError && e instanceof RangeError && pattern.test(e.message), `offset ${offset}, size ${size}`);
  };
  refused(27, undefined, /'offset' must be between 0 and the buffer's length \(26\); got 27/);
  refused(22, 5, /'size' must be between 0 and the 4 bytes from offset 22; got 5/);
  refused(26, 1, /'size' must be between 0 and the 0 bytes from offset 26; got 1/);
  refused(-1, undefined, /'offset' must be between 0 and the buffer's length \(26\); got -1/);
  refused(4, -1, /'size' must be between 0 and the 22 bytes from offset 4; got -1/);
  // Python: slice indices must be integers (TypeError).
  assert.throws(() => a.sendBytes(msg, 1.5), (e: Error) => e instanceof ArgumentTypeError && /'offset' must be an integer; got 1.5/.test(e.message));
  assert.throws(() => a.sendBytes(msg, 0, 2.5), (e: Error) => e instanceof ArgumentTypeError && /'size' must be an integer; got 2.5/.test(e.message));
  // Python: memoryview: a bytes-like object is required, not 'str'.
  assert.throws(() => a.sendBytes('str' as never), (e: Error) => e instanceof ArgumentTypeError && /'data' must be a bytes-like object/.test(e.message));
  assert.equal(b.pollSync(), false, 'a refused sendBytes sent nothing');
  a.close();
  b.close();
});

test('_test_multiprocessing.py test_connection (send_bytes of an array): any bytes-like object, offset and size in bytes', () => {
  const [a, b] = Pipe();
  a.sendBytes(new Int32Array([1, 2]), 4);
  assert.deepEqual([...b.recvBytesSync()], [2, 0, 0, 0]);
  a.sendBytes(new Uint8Array([9, 8, 7]).buffer, 1, 1);
  assert.deepEqual([...b.recvBytesSync()], [8]);
  const shared = new Uint8Array(new SharedArrayBuffer(4));
  shared.set([1, 2, 3, 4]);
  a.sendBytes(new DataView(shared.buffer, 1, 2));
  assert.deepEqual([...b.recvBytesSync()], [2, 3]);
  a.close();
  b.close();
});

/** Every kind of value send() takes (fast-path items, v8-serialized ones) and that v8.deserialize gives back equal. */
const SENT: unknown[] = [null, undefined, true, false, 0, -3.5, NaN, '', 'text é', [1, 'a', null], { a: 1, b: [2] }, new Map([[1, 'x']]), new Date(5), 5n, /re/g];

// CPython has no test of recv_bytes after send; in CPython 3.11 `a.send(None); b.recv_bytes()` gives the pickle
// b'\x80\x04N.' (and pickle.loads turns it back). loom gives the v8.serialize bytes, which v8.deserialize turns back.
test('recvBytes / recvBytesSync of a message sent with send(): its v8.serialize bytes, for every kind of value (Python: the pickle)', async () => {
  const [a, b] = Pipe();
  for (const value of SENT) {
    a.send(value);
    assert.deepEqual(deserialize(b.recvBytesSync()), value, `recvBytesSync of ${String(value)}`);
    a.send(value);
    assert.deepEqual(deserialize(await b.recvBytes()), value, `recvBytes of ${String(value)}`);
  }
  a.send(new Uint8Array([1, 2, 3]));
  assert.deepEqual([...b.recvBytesSync()], [1, 2, 3], 'a Uint8Array sent with send() is read as its own bytes');
  a.close();
  b.close();
});

test('...and from a child process, whose messages come through the hub', async () => {
  const [parent, child] = Pipe();
  const p = new Process({
    target: (conn: multiprocessing.Connection, values: unknown[]) => {
      for (const value of values) conn.send(value);
    },
    args: [child, SENT],
  });
  p.start();
  await p.join();
  for (const value of SENT) assert.deepEqual(deserialize(await parent.recvBytes()), value, `recvBytes of ${String(value)}`);
});

test('_test_multiprocessing.py test_connection: poll(-1) is False at once, as poll(0), and True when a message is there; here and in a child process', async () => {
  const [withData, writer] = Pipe();
  const [empty] = Pipe();
  const [reply, replyEnd] = Pipe();
  assert.equal(empty.pollSync(-1), false);
  assert.equal(await empty.poll(-1), false);
  writer.send('x');
  assert.equal(withData.pollSync(-1), true);
  assert.equal(await withData.poll(-1), true);
  // The child never waits for this process, so a failure cannot hang the test: it sends what it saw, or its error.
  const p = new Process({
    target: (withData: multiprocessing.Connection, empty: multiprocessing.Connection, reply: multiprocessing.Connection) => {
      try {
        reply.send([withData.pollSync(-1), empty.pollSync(-1), empty.pollSync(-0.5)]);
      } catch (error) {
        reply.send(String(error));
      }
    },
    args: [withData, empty, replyEnd],
  });
  p.start();
  assert.deepEqual(await reply.recv(), [true, false, false]);
  await p.join();
  assert.throws(() => empty.pollSync(Number.NaN), (e: Error) => e instanceof ArgumentTypeError && /'timeout' must be a number of seconds/.test(e.message));
});
