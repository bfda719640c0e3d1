/**
 * Connection.sendBytes / recvBytes / poll as CPython's _test_multiprocessing.py checks them
 * (issue 19): an offset or size out of range raises ValueError (loom: ArgumentValueError)
 * instead of being clamped; a message sent with send() read by recvBytes is its serialization
 * (Python's: its pickle), not a crash; poll(-1) just looks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deserialize } from 'node:v8';
import { ArgumentTypeError, ArgumentValueError, EOFError, multiprocessing, Pool, Process, Thread } from '../../src/index.js';
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

// ---- Close is per process: the reader sees EOF once EVERY process holding the writing end has closed it (or exited). ----

// _test_multiprocessing.py test_spawn_close with its _echo child: the parent closes its copy of the child's end at
// once after start(); the conversation goes on, and the child's end is still open in the child.
test('_test_multiprocessing.py test_spawn_close: the parent closes its copy of the child end after start(); the echo conversation goes on', async () => {
  const [conn, childConn] = Pipe();
  const p = new Process({
    target: (conn: multiprocessing.Connection) => {
      for (;;) {
        const msg = conn.recvBytesSync();
        if (msg.toString() === 'SENTINEL') break;
        conn.sendBytes(msg);
      }
      conn.close();
    },
    args: [childConn],
  });
  p.start();
  childConn.close();
  assert.equal(childConn.closed, true);
  conn.sendBytes(Buffer.from('hello'));
  assert.equal((await conn.recvBytes()).toString(), 'hello');
  conn.sendBytes(Buffer.from('SENTINEL'));
  // The child closed its copy, the parent had closed its own: every copy is closed, so EOF.
  await assert.rejects(conn.recv(), EOFError);
  conn.close();
  await p.join();
});

// Python idiom (the docs' "parent_conn.close() in the child"): a child closing ITS copy of the parent's end closes
// nothing for the parent, whose recv goes on (CPython 3.11: each process holds its own handle of the end).
test('a child closing its copy of the parent end: the parent still receives what the child sent and the conversation continues; closed is per process', async () => {
  const [parentConn, childConn] = Pipe<unknown>();
  const p = new Process({
    target: (parentConn: multiprocessing.Connection, childConn: multiprocessing.Connection) => {
      parentConn.close();
      childConn.send(['closed my copy', parentConn.closed]);
      const n = childConn.recvSync() as number;
      childConn.send(n * 2);
      childConn.close();
    },
    args: [parentConn, childConn],
  });
  p.start();
  childConn.close();
  assert.deepEqual(await parentConn.recv(), ['closed my copy', true]);
  assert.equal(parentConn.closed, false, "the child's close is its own");
  parentConn.send(21);
  assert.equal(await parentConn.recv(), 42);
  await assert.rejects(parentConn.recv(), EOFError);
  await p.join();
  // The parent's copy of its own end is still open: it can send (nobody will read), and close.
  parentConn.send('unread');
  parentConn.close();
});

test('several holders of a writing end: no EOF while any copy is open (the parent\'s own included); EOF after the last', async () => {
  const [reader, writer] = Pipe<string>(false);
  const [go, goWriter] = Pipe<string>(false);
  const early = new Process({
    target: (w: multiprocessing.Connection<string>) => {
      w.send('early');
      w.close();
    },
    args: [writer],
  });
  const late = new Process({
    target: (w: multiprocessing.Connection<string>, go: multiprocessing.Connection<string>) => {
      w.send(`late after ${go.recvSync()}`);
      w.close();
    },
    args: [writer, go],
  });
  early.start();
  late.start();
  go.close();
  assert.equal(await reader.recv(), 'early');
  await early.join();
  // early has closed its copy and exited; late and this process hold theirs.
  assert.equal(reader.pollSync(0), false, 'no EOF while copies are open');
  writer.send('from the parent');
  assert.equal(reader.recvSync(), 'from the parent');
  writer.close();
  assert.equal(reader.pollSync(0), false, "no EOF while late's copy is open");
  goWriter.send('go');
  assert.equal(await reader.recv(), 'late after go');
  await assert.rejects(reader.recv(), EOFError, 'every copy closed');
  assert.throws(() => reader.recvSync(), EOFError);
  await late.join();
  goWriter.close();
});

// CPython: a process's handles close when it exits (the OS closes them), so the reader sees EOF. loom: a child
// closes the ends it still holds when it exits (returning from run(), throwing, or process.exit()).
test('a child that exits without closing its copy (returns, or calls process.exit): the reader then sees EOF', async () => {
  const [reader, writer] = Pipe<string>(false);
  const returns = new Process({
    target: (w: multiprocessing.Connection<string>) => {
      w.send('returns');
    },
    args: [writer],
  });
  const exits = new Process({
    target: (w: multiprocessing.Connection<string>) => {
      w.send('exits');
      process.exit(3);
    },
    args: [writer],
  });
  returns.start();
  exits.start();
  writer.close();
  const got = [await reader.recv(), await reader.recv()].sort();
  assert.deepEqual(got, ['exits', 'returns']);
  await assert.rejects(reader.recv(), EOFError);
  await returns.join();
  await exits.join();
  assert.equal(exits.exitCode, 3);
});

// CPython: the OS closes a killed process's handles too. loom: the child told its parent's hub which ends it holds,
// and the hub closes them for it when it is gone. The ack proves the hub has the child's earlier frames.
test('a child killed (SIGKILL) while it holds a copy of the writing end: its parent\'s hub closes the copy, and the reader sees EOF', async () => {
  const [reader, writer] = Pipe<string>(false);
  const [ack, ackWriter] = Pipe<string>(false);
  const p = new Process({
    target: (w: multiprocessing.Connection<string>, ack: multiprocessing.Connection<string>) => {
      w.send('before the kill');
      ack.recvSync();
      process.kill(process.pid, 'SIGKILL');
    },
    args: [writer, ack],
  });
  p.start();
  writer.close();
  assert.equal(await reader.recv(), 'before the kill');
  ackWriter.send('ack');
  await assert.rejects(reader.recv(), EOFError);
  await p.join();
  assert.equal(p.exitCode, -9);
  ackWriter.close();
});

// CPython's pool worker drops its unpickled copy when the task's arguments are collected (soon after the task);
// loom's worker holds it until the worker exits (the pool's close and join, or terminate): then the reader sees EOF.
test('an end sent to a pool task: the worker holds a copy until it exits; after terminate() the reader sees EOF', async () => {
  const [reader, writer] = Pipe<number>(false);
  const pool = new Pool(1);
  await pool.apply((w: multiprocessing.Connection<number>, n: number) => w.send(n), [writer, 5]);
  writer.close();
  assert.equal(await reader.recv(), 5);
  assert.equal(reader.pollSync(0), false, 'the worker still holds its copy');
  pool.terminate();
  await pool.join();
  await assert.rejects(reader.recv(), EOFError);
});

// Python's threads share one Connection object: close() in one thread closes it for the process.
test('threads of one process share its copy: close() in a thread closes it for all of them (closed, EOFError), and the reader sees EOF', async () => {
  const [a, b] = Pipe<string>();
  const t = new Thread({
    target: (end: multiprocessing.Connection<string>) => {
      end.send('from the thread');
      end.close();
    },
    args: [b],
  });
  t.start();
  await t.join();
  assert.equal(b.closed, true, 'closed in another thread of this process');
  assert.throws(() => b.send('x'), EOFError);
  assert.equal(await a.recv(), 'from the thread');
  await assert.rejects(a.recv(), EOFError);
  b.close();
  a.close();
});
