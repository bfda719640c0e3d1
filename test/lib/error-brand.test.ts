/**
 * Two copies of loom in one process (a notebook's node_modules/loom next to
 * the kernel's) see each other's errors as their own classes: instanceof goes
 * by a Symbol.for brand, not by class object (src/errors.ts). The second copy
 * is the compiled library copied to a temporary folder and required from there.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as loom from '../../src/index.js';

type Loom = typeof loom;

/** dist/src of this build (this file is dist/test/lib/error-brand.test.js). */
const COMPILED = join(__dirname, '..', '..', 'src');
const REPO = join(__dirname, '..', '..', '..');

const folder = mkdtempSync(join(tmpdir(), 'loom-second-copy-'));
after(() => rmSync(folder, { recursive: true, force: true }));
cpSync(COMPILED, join(folder, 'src'), { recursive: true });
// Its dependencies (acorn, piscina, ...) resolve from the copy's folder, as from a notebook's node_modules.
symlinkSync(join(REPO, 'node_modules'), join(folder, 'node_modules'), 'dir');
const other = require(join(folder, 'src', 'index.js')) as Loom;

test('the second copy is a copy: its classes are other objects', () => {
  assert.notEqual(other.Empty, loom.Empty);
  assert.notEqual(other.LoomError, loom.LoomError);
  assert.notEqual(other.Queue, loom.Queue);
});

test('an error of either copy is instanceof the same class of the other', () => {
  for (const [from, to] of [[loom, other], [other, loom]] as const) {
    const empty = new from.Empty();
    assert.ok(empty instanceof to.Empty);
    assert.ok(empty instanceof to.LoomError);
    assert.ok(empty instanceof Error);
    assert.ok(new from.TimeoutError() instanceof to.TimeoutError);
    assert.ok(new from.ArgumentTypeError('x') instanceof to.ArgumentTypeError);
    assert.ok(new from.ArgumentValueError('x') instanceof RangeError);
  }
});

test('the brand keeps class relations: a sibling or a base is not a subclass', () => {
  for (const [from, to] of [[loom, other], [other, loom], [loom, loom]] as const) {
    assert.ok(!(new from.Empty() instanceof to.Full));
    assert.ok(!(new from.TimeoutError() instanceof to.CancelledError));
    assert.ok(!(new from.LoomError('ERR_LOOM_TIMEOUT', 'base') instanceof to.TimeoutError));
    assert.ok(!(new from.ArgumentTypeError('x') instanceof to.LoomError));
    assert.ok(!(new from.ArgumentTypeError('x') instanceof to.ArgumentValueError));
    assert.ok(!(new Error('plain') instanceof to.LoomError));
    const notErrors: unknown[] = [{}, null, 'Empty'];
    for (const value of notErrors) assert.ok(!((value as object) instanceof to.Empty));
  }
});

test('errors thrown by the other copy\'s API are caught by this copy\'s classes', () => {
  assert.throws(() => new other.Queue().getNowait(), loom.Empty);
  assert.throws(() => new loom.Queue().getNowait(), other.Empty);
  assert.throws(() => new other.Thread({ target: 5 as never }), loom.ArgumentTypeError);
  assert.throws(() => new other.Lock().release(), loom.LockNotHeldError);
});

test('a user\'s subclass of a loom error keeps ordinary instanceof', () => {
  class Late extends loom.TimeoutError {}
  class Other extends loom.TimeoutError {}
  assert.ok(new Late() instanceof Late);
  assert.ok(new Late() instanceof loom.TimeoutError && new Late() instanceof other.TimeoutError);
  assert.ok(!(new loom.TimeoutError() instanceof Late));
  assert.ok(!(new Other() instanceof Late));
});

test('every error class loom exports carries its brand, and printing shows none', () => {
  const classes = Object.entries(loom as Record<string, unknown>)
    .filter((entry): entry is [string, Function] => typeof entry[1] === 'function' && entry[1].prototype instanceof Error);
  assert.ok(classes.length >= 23);
  for (const [name, cls] of classes) {
    assert.equal((cls.prototype as Record<symbol, unknown>)[Symbol.for(`loom.error.${name}`)], true, name);
  }
  assert.doesNotMatch(require('node:util').inspect(new loom.Empty()), /loom\.error/);
});
