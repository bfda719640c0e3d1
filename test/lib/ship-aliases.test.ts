/**
 * The host's names that shipped code reads become globals of the worker
 * under names of each revival's own (src/internal/ship/aliases.ts): two
 * revivals in one worker keep their own values, a shorthand property keeps
 * its key, frames keep their columns, and a revived function shipped on from
 * the worker is shipped as the host wrote it.
 *
 * No CPython test mirrors this: Python sends a pool's function by reference
 * and the worker reads its module's globals, so a notebook's constant
 * changed after the pool started is not seen there at all; loom sends each
 * function with a copy of what it reads, and that must stay its own, as a
 * closure's cells are its own in Python (test_funcattrs's test___closure__).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { shipHooks } from '../../src/host/index.js';
import { ThreadPool } from '../../src/multiprocessing/index.js';
import { reviveCode } from '../../src/internal/ship/revive-code.js';
import { shipFunction } from '../../src/internal/ship/ship.js';
import { assertNoWorkersLeftAtEnd } from './helpers.js';

assertNoWorkersLeftAtEnd();

const hooks = { ...shipHooks };
after(() => Object.assign(shipHooks, hooks));

/** Declarations as the kernel gives them: each name's current value. */
function declare(values: Record<string, unknown>): void {
  shipHooks.resolveDeclaration = (name) => (Object.hasOwn(values, name) ? { value: values[name] } : undefined);
}

/** A function compiled apart from this file, so its free names are free (as a notebook cell's are). */
function free<T>(source: string): T {
  return new Function(`return (${source})`)() as T;
}

test('two revivals in one pool worker keep their own values of the same name, and their own helpers', async () => {
  const read = free<() => number[]>('() => [LIMIT, scale(1)]');
  using pool = new ThreadPool(1);
  declare({ LIMIT: 1, scale: free('function scale(x) { return x * 10; }') });
  const first = await pool.apply(read);
  declare({ LIMIT: 2, scale: free('function scale(x) { return x * 20; }') });
  const second = await pool.apply(read);
  // The first function again: the worker kept it, with its own globals.
  declare({ LIMIT: 1, scale: free('function scale(x) { return x * 10; }') });
  const again = await pool.apply(read);
  assert.deepEqual([first, second, again], [[1, 10], [2, 20], [1, 10]]);
});

test('a shorthand property keeps its key; destructuring, defaults, typeof, eval and assignment work on the revived names', async () => {
  const target = free<() => unknown>(`() => {
    const pair = { LIMIT, scale };
    const { LIMIT: limit = 0 } = pair;
    let seen;
    ({ LIMIT: seen } = { LIMIT });
    const evaluated = eval('LIMIT');
    ({ LIMIT = 9 } = {});
    const defaulted = LIMIT;
    LIMIT = LIMIT + 1;
    return [Object.keys(pair), limit, seen, typeof scale, scale.name, evaluated, defaulted, LIMIT];
  }`);
  declare({ LIMIT: 5, scale: free('(x) => x') });
  using pool = new ThreadPool(1);
  assert.deepEqual(await pool.apply(target), [['LIMIT', 'scale'], 5, 5, 'function', 'scale', 5, 9, 10]);
});

test('frames of aliased code point at the same columns as without aliases', () => {
  declare({ LIMIT: 3 });
  shipHooks.locateSource = () => ({ file: 'cell 9', line: 1, column: 1 });
  try {
    const thrower = free<() => never>(`function thrower() {
      const a = LIMIT + LIMIT; const b = { LIMIT }; throw new RangeError(String(a + b.LIMIT));
    }`);
    const code = shipFunction(thrower, 'target');
    assert.ok(code.aliases, 'LIMIT is aliased');
    const stackOf = (lasting: boolean): string => {
      try {
        reviveCode<() => never>(code, lasting)();
      } catch (error) {
        return String((error as Error).stack).split('\n').slice(0, 2).join('\n');
      }
      assert.fail('it should have thrown');
    };
    const plain = stackOf(false);
    assert.match(plain, /^RangeError: 9\n\s+at thrower \(cell 9:2:\d+\)$/);
    assert.equal(stackOf(true), plain);
  } finally {
    Object.assign(shipHooks, hooks);
  }
});

test('a revived function shipped on from its thread is shipped as written: the names it lacks there are named as such', async () => {
  declare({ LIMIT: 7 });
  // Inside the worker the relay ships a function of its own that reads LIMIT, which the worker has no declaration of.
  const relayTarget = free<() => unknown[]>(`function relay() {
    const { Thread, FreeVariableError } = require(${JSON.stringify(require.resolve('../../src/index.js'))});
    const inner = () => LIMIT;
    try { new Thread({ target: inner }).start(); return []; } catch (error) { return error instanceof FreeVariableError ? [error.names, inner.toString()] : [String(error)]; }
  }`);
  using pool = new ThreadPool(1);
  const [names, source] = await pool.apply(relayTarget) as [string[], string];
  // In the worker the arrow's text names LIMIT's alias; shipping it on finds the text as shipped.
  assert.deepEqual(names, ['LIMIT']);
  assert.ok(source.startsWith('() => LIMIT') && source !== '() => LIMIT', 'the revived text carries the alias');
});

test('an error that quotes an aliased name quotes it as written, in its message and its stack', async () => {
  declare({ data: { n: 1 } });
  using pool = new ThreadPool(1);
  // A revival before it in the same worker: its suffix begins the failing one's.
  assert.equal(await pool.apply(free<() => number>('() => data.n')), 1);
  await assert.rejects(pool.apply(free<() => unknown>('() => data.missing()')), (error: Error) => {
    assert.equal(error.message, 'data.missing is not a function');
    assert.match(String((error.cause as Error | undefined)?.stack), /^TypeError: data\.missing is not a function\n/);
    return true;
  });
});
