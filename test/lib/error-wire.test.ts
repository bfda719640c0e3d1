import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Empty, FreeVariableError, LoomError, RemoteError } from '../../src/errors.js';
import { deserializeError, serializeError } from '../../src/internal/error-wire.js';

const roundTrip = (error: unknown): unknown => deserializeError(structuredClone(serializeError(error)));

test('built-in and loom classes come back as themselves, with code and fields', () => {
  const type = roundTrip(new TypeError('bad')) as TypeError;
  assert.ok(type instanceof TypeError);
  assert.equal(type.message, 'bad');
  const empty = roundTrip(new Empty()) as Empty;
  assert.ok(empty instanceof Empty && empty instanceof LoomError);
  assert.equal(empty.code, 'ERR_LOOM_QUEUE_EMPTY');
  const free = roundTrip(new FreeVariableError('uses x', ['x'])) as FreeVariableError;
  assert.deepEqual(free.names, ['x']);
});

test('unknown classes become RemoteError with the remote name; the remote stack is the cause', () => {
  class Custom extends Error {
    override name = 'Custom';
    code = 'E_CUSTOM';
  }
  const original = new Custom('custom failure');
  const back = roundTrip(original) as RemoteError;
  assert.ok(back instanceof RemoteError);
  assert.equal(back.name, 'Custom');
  assert.equal(back.code, 'E_CUSTOM');
  assert.match(String(back.stack), /^Custom: custom failure/);
  // The remote stack without Node's internal frames (the test runner's here): see the next test.
  const kept = original.stack!.split('\n').filter((line) => !line.includes('node:'));
  assert.equal((back.cause as Error).stack, kept.join('\n'));
});

test('LOOM_FULL_TRACEBACK keeps every frame of the remote stack, read when the error is serialized', () => {
  const original = new Error('all frames');
  process.env.LOOM_FULL_TRACEBACK = '1';
  try {
    assert.equal(((roundTrip(original) as Error).cause as Error).stack, original.stack);
  } finally {
    delete process.env.LOOM_FULL_TRACEBACK;
  }
  assert.ok(!String(((roundTrip(original) as Error).cause as Error).stack).includes('node:internal'));
});

test('a nested cause and a thrown non-error survive', () => {
  const inner = new RangeError('inner');
  const back = roundTrip(new Error('outer', { cause: inner })) as Error;
  const carrier = back.cause as Error;
  assert.ok(carrier.cause instanceof RangeError);
  // The inner error keeps its remote stack (a worker's worker's), not one made here: each remote part shows once.
  assert.match(String(carrier.cause.stack), /^RangeError: inner\n\s+at /);
  assert.equal(carrier.cause.stack, inner.stack!.split('\n').filter((line) => !line.includes('node:')).join('\n'));
  assert.equal(roundTrip(42), 42);
});
