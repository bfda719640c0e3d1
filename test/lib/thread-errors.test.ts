import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentTypeError, ArgumentValueError, FreeVariableError, NotShippableError, RemoteError, ThreadStateError, WorkerDiedError } from '../../src/index.js';
import { Thread } from '../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd } from './helpers.js';

assertNoWorkersLeftAtEnd();

test('a non-function target throws at once, naming the argument and the value', () => {
  assert.throws(() => new Thread({ target: 42 as never }), (e: ArgumentTypeError) =>
    e instanceof TypeError && e.code === 'ERR_LOOM_INVALID_ARG_TYPE' && /'target' must be a function; got 42/.test(e.message));
  assert.throws(() => new Thread({ args: 'x' as never }), /'args' must be an array of arguments; got 'x'/);
  assert.throws(() => new Thread((() => 1) as never), /'options' must be an options object/);
});

test('a negative timeout is zero, as in Python (it threw here before): join returns at once', () => {
  const t = new Thread({ target: () => {} });
  t.start();
  t.joinSync(-1);
  assert.throws(() => t.joinSync(Number.NaN), (e: ArgumentTypeError) => e.code === 'ERR_LOOM_INVALID_ARG_TYPE' && /'timeout' must be a number of seconds/.test(e.message));
  t.joinSync();
});

test('start twice, join before start', () => {
  const t = new Thread({ target: () => {} });
  assert.throws(() => t.joinSync(), (e: ThreadStateError) => e.code === 'ERR_LOOM_THREAD_STATE' && /before it is started/.test(e.message));
  t.start();
  assert.throws(() => t.start(), /threads can only be started once/);
  t.joinSync();
});

test('an error thrown in the thread arrives at join with its class, message and the thread stack as cause', async () => {
  const t = new Thread({ target: function failing() { throw new RangeError('out of range in thread'); } });
  t.start();
  await assert.rejects(t.join(), (e: Error) => {
    assert.ok(e instanceof RangeError);
    assert.equal(e.name, 'RangeError');
    assert.equal(e.message, 'out of range in thread');
    const cause = e.cause as Error;
    assert.match(cause.stack ?? '', /RangeError: out of range in thread/);
    assert.match(cause.stack ?? '', /failing/);
    return true;
  });
  // joinSync reports the same error again.
  assert.throws(() => t.joinSync(), RangeError);
});

test('an error of a class the starter does not know arrives as RemoteError with the remote class name and fields', () => {
  const t = new Thread({
    target: () => {
      class ParseError extends Error {
        line = 3;
        constructor(message: string) {
          super(message);
          this.name = 'ParseError';
        }
      }
      throw new ParseError('bad input');
    },
  });
  t.start();
  assert.throws(() => t.joinSync(), (e: RemoteError & { line: number }) =>
    e instanceof RemoteError && e.name === 'ParseError' && e.message === 'bad input' && e.line === 3 && e.code === 'ERR_LOOM_REMOTE');
});

test('a target using a variable the thread cannot see fails at start(), naming it and saying how to pass it', () => {
  const rate = 3;
  const t = new Thread({ target: (x: number) => x * rate, args: [1] });
  assert.throws(() => t.start(), (e: FreeVariableError) => {
    assert.equal(e.code, 'ERR_LOOM_FREE_VARIABLE');
    assert.deepEqual(e.names, ['rate']);
    assert.match(e.message, /'rate'/);
    assert.match(e.message, /args/);
    return true;
  });
  assert.equal(t.isAlive(), false);
});

test('a subclass using an outer variable fails at start() with advice to use a field', () => {
  const prefix = '>';
  class Printer extends Thread {
    override run(): string {
      return prefix;
    }
  }
  assert.throws(() => new Printer().start(), (e: FreeVariableError) => e.names.includes('prefix') && /field/.test(e.message));
});

test('a subclass with #private members is refused with a clear error', () => {
  class Secret extends Thread {
    #hidden = 1;
    override run(): number {
      return this.#hidden;
    }
  }
  assert.throws(() => new Secret().start(), (e: NotShippableError) => e.code === 'ERR_LOOM_NOT_SHIPPABLE' && /#hidden/.test(e.message));
});

test('a native or bound function target is refused', () => {
  assert.throws(() => new Thread({ target: Math.max }).start(), NotShippableError);
  assert.throws(() => new Thread({ target: (() => 1).bind(null) }).start(), NotShippableError);
});

test('process.exit() inside a thread ends that thread only, and join reports it', async () => {
  const t = new Thread({ target: () => process.exit(3) });
  t.start();
  await assert.rejects(t.join(), (e: WorkerDiedError) => e.code === 'ERR_LOOM_WORKER_DIED' && /process\.exit\(3\)/.test(e.message));
});
