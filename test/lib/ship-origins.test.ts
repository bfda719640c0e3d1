/**
 * Where the frames of shipped code point: a host's shipHooks.locateSource
 * answer (as the kernel gives a cell and its lines), a declaration the host
 * brought along (a prelude piece) and the function itself each mapped to
 * their own lines; code revived in a thread and shipped on from there keeps
 * its origin. Python's counterpart: a traceback of code run by a thread or a
 * pool names the file and line it was defined at (CPython's
 * test_threading's test_print_exception, test_multiprocessing's
 * test_traceback).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { shipHooks, type SourceOrigin } from '../../src/host/index.js';
import { Thread } from '../../src/threading/index.js';
import { assertNoWorkersLeftAtEnd } from './helpers.js';

assertNoWorkersLeftAtEnd();

const hooks = { ...shipHooks };
after(() => Object.assign(shipHooks, hooks));

/** The remote stacks of what the thread threw: its own, then the causes below it (a thread's thread's). */
async function causeOf(thread: Thread): Promise<string> {
  thread.start();
  try {
    await thread.join();
  } catch (error) {
    const stacks: string[] = [];
    for (let cause = (error as Error).cause as Error | undefined; cause; cause = cause.cause as Error | undefined) stacks.push(String(cause.stack));
    return stacks.join('\n');
  }
  assert.fail('the thread should have thrown');
}

function helper(n: number): number {
  if (n > 1) {
    throw new RangeError(`helper got ${n}`);
  }
  return n;
}

test('a host names the origin of each piece: the function and a declaration it brought, each at its own lines', async () => {
  const caller = function caller(n: number): number {
    return helper(n) * 2;
  };
  // As the kernel answers: a cell and, for each line of the source, the cell's line.
  const origins = new Map<string, SourceOrigin>([
    [String(helper), { file: 'cell 1', line: 1, column: 1, lines: [11, 12, 13, 14, 15, 16] }],
    [String(caller), { file: 'cell 2', line: 1, column: 1, lines: [21, 22, 23] }],
  ]);
  shipHooks.resolveDeclaration = (name) => (name === 'helper' ? { value: helper } : undefined);
  shipHooks.locateSource = (source) => origins.get(source);
  try {
    const stack = await causeOf(new Thread({ target: caller, args: [2] }));
    assert.match(stack, /^RangeError: helper got 2\n\s+at helper \(cell 1, line 13\)\n\s+at .*caller.* \(cell 2, line 22\)$/, stack);
  } finally {
    Object.assign(shipHooks, hooks);
  }
});

test('a function revived in a thread and shipped on from there keeps its origin: this file\'s line', async () => {
  const relay = new Thread({
    target: async () => {
      const inner = new Thread({
        target: function deepest() {
          throw new TypeError('from the inner thread');
        },
      });
      inner.start();
      await inner.join();
    },
  });
  const stack = await causeOf(relay);
  // The inner thread's error is the cause of the relay's; its frame names this file, at the throw.
  const text = readFileSync(__filename, 'utf8').split('\n');
  const lineOf = (code: string): number => text.findIndex((l) => l.includes(code)) + 1;
  assert.ok(stack.includes(`deepest [as target] (${__filename}:${lineOf("throw new TypeError('from the inner thread')")}:`), stack);
  assert.ok(stack.includes(`(${__filename}:${lineOf('await inner.join()')}:`), stack);
  assert.ok(!stack.includes('loom-ship-') && !stack.includes('<anonymous>'), stack);
});
