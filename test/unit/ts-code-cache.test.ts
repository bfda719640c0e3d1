/**
 * kernel/executor/runtime/ts-code-cache.ts: TypeScript loaded from a V8 code
 * cache in the executor. Each case runs in a fresh node process (require's
 * cache and V8's are per process) with TMPDIR pointing at a folder of the
 * test's, where the cache folder is made. (No CPython counterpart; CPython's
 * own is its __pycache__ .pyc files, checked against the source's size and
 * mtime, with a bad one recompiled: test_py_compile, test_importlib's
 * source-loader tests.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

/** TypeScript's own output for the test's line, whichever way it was loaded. */
const EXPECTED = '"use strict";\nconst x = 1;';
const CODE_CACHE = join(__dirname, '..', '..', 'kernel', 'executor', 'runtime', 'ts-code-cache.js');

/** In a new process: preload, require TypeScript, transpile, save (as the executor after its first cell); how it was loaded and whether it works. */
function runExecutorLike(tmp: string): { load: string; same: boolean; output: string } {
  const script = `
    const cache = require(${JSON.stringify(CODE_CACHE)});
    cache.preloadTypeScript();
    const ts = require('typescript');
    const output = ts.transpileModule('const x: number = 1', {}).outputText.trim();
    cache.saveTypeScriptCodeCache();
    process.stdout.write(JSON.stringify({ load: cache.typeScriptLoad(), same: ts === require('typescript'), output }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' })) as { load: string; same: boolean; output: string };
}

function cacheFolder(tmp: string): string {
  return join(tmp, `loom-code-cache-${process.getuid!()}`);
}

test('the first process compiles from source and writes the cache; the next loads from it; both transpile the same', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'loom-ts-cache-'));
  try {
    const first = runExecutorLike(tmp);
    assert.deepEqual(first, { load: 'source', same: true, output: EXPECTED });
    const files = readdirSync(cacheFolder(tmp));
    assert.equal(files.length, 1, `one cache file and no temporary left: ${files.join(', ')}`);
    assert.match(files[0]!, /^typescript-.*\.v8cache$/);
    assert.deepEqual(runExecutorLike(tmp), { load: 'cache', same: true, output: EXPECTED });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a damaged cache is refused by V8: compiled from source and removed; the next process writes a fresh one', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'loom-ts-cache-'));
  try {
    runExecutorLike(tmp);
    const [file] = readdirSync(cacheFolder(tmp));
    writeFileSync(join(cacheFolder(tmp), file!), Buffer.alloc(4096, 7));
    assert.equal(runExecutorLike(tmp).load, 'source');
    assert.deepEqual(readdirSync(cacheFolder(tmp)), []);
    assert.equal(runExecutorLike(tmp).load, 'source');
    assert.equal(runExecutorLike(tmp).load, 'cache');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a cache folder that others may write is not used, neither read nor written', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'loom-ts-cache-'));
  try {
    runExecutorLike(tmp);
    chmodSync(cacheFolder(tmp), 0o777);
    const [file] = readdirSync(cacheFolder(tmp));
    rmSync(join(cacheFolder(tmp), file!));
    assert.equal(runExecutorLike(tmp).load, 'source');
    assert.deepEqual(readdirSync(cacheFolder(tmp)), [], 'nothing written to a folder others may write');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
