/**
 * In a plain Node script, the frames of a function run by a Thread or a
 * process Pool name the script's file and line, as Python's traceback of a
 * multiprocessing task names the file (CPython's
 * test_multiprocessing's test_traceback checks the remote traceback's text
 * appears in the cause); with --enable-source-maps, the .ts file's lines.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';

const script = resolve(__dirname, 'fixtures', 'failing-script.js');
const source = resolve(__dirname, '..', '..', '..', 'test', 'lib', 'fixtures', 'failing-script.ts');
const installLibrary = resolve(__dirname, '..', '..', 'src');

/** 1-based line of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(text));
  assert.ok(index >= 0, `${text} is in ${file}`);
  return index + 1;
}

function causes(flags: string[]): { thread: string; pool: string } {
  const run = spawnSync(process.execPath, [...flags, script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { thread: string; pool: string };
}

function assertClean(stack: string): void {
  for (const noise of ['<anonymous>', 'loom-ship-', 'reviveCode', installLibrary, 'node:internal']) {
    assert.ok(!stack.includes(noise), `${noise} shows in:\n${stack}`);
  }
}

test('the frames of a thread and of a process pool task read script.js:LINE:COL', () => {
  const { thread, pool } = causes([]);
  const risky = `${script}:${lineOf(script, 'throw new RangeError')}:`;
  const outer = `${script}:${lineOf(script, 'return risky(x) + 1')}:`;
  for (const stack of [thread, pool]) {
    assert.match(stack, /^RangeError: bad 2\n/);
    assert.ok(stack.includes(`at risky (${risky}`), stack);
    assert.ok(stack.includes(`outer`) && stack.includes(`(${outer}`), stack);
    assertClean(stack);
  }
});

test('with --enable-source-maps, they read the .ts file\'s lines', () => {
  const { thread, pool } = causes(['--enable-source-maps']);
  const risky = `(${source}, line ${lineOf(source, 'throw new RangeError')})`;
  const outer = `(${source}, line ${lineOf(source, 'return risky(x) + 1')})`;
  for (const stack of [thread, pool]) {
    assert.ok(stack.includes(`at risky ${risky}`), stack);
    assert.ok(stack.includes(outer), stack);
    assertClean(stack);
  }
});
