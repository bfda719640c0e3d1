/**
 * compiled-files.ts: a TypeScript file compiled in one thread is read by the
 * next from the disk cache, without the compiler; a cache folder that is not
 * the user's alone is not used. Each case runs in a fresh worker thread with
 * its own TMPDIR, since the module looks at its folder once per thread.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';

const MODULE = join(__dirname, '..', '..', 'kernel', 'executor', 'runtime', 'compiled-files.js');
const SOURCE = 'export const answer: number = 42;\n';

interface Outcome { output: string; compilerLoaded: boolean }

/** compileFile(SOURCE) in a new thread whose temporary folder is `temp`. */
async function compileInWorker(temp: string): Promise<Outcome> {
  const worker = new Worker(`
    const { parentPort } = require('node:worker_threads');
    const { compileFile } = require(${JSON.stringify(MODULE)});
    const output = compileFile(${JSON.stringify(SOURCE)}, '/notebook/answer.ts', 'commonjs');
    const compilerLoaded = Object.keys(require.cache).some((file) => file.includes('/node_modules/typescript/'));
    parentPort.postMessage({ output, compilerLoaded });
  `, { eval: true, env: { ...process.env, TMPDIR: temp } });
  try {
    const [outcome] = await once(worker, 'message') as [Outcome];
    return outcome;
  } finally {
    await worker.terminate();
  }
}

describe('compiled-files', () => {
  const temp = mkdtempSync(join(tmpdir(), 'loom-compiled-files-'));
  after(() => rmSync(temp, { recursive: true, force: true }));

  it('a_second_thread_reads_the_first_ones_output_without_the_compiler', async () => {
    const first = await compileInWorker(temp);
    assert.match(first.output, /exports\.answer = 42;/);
    assert.equal(first.compilerLoaded, true);
    const folder = join(temp, `loom-ts-${process.getuid!()}`);
    assert.equal(statSync(folder).mode & 0o777, 0o700);
    assert.equal(readdirSync(folder).filter((name) => name.endsWith('.js')).length, 1);
    const second = await compileInWorker(temp);
    assert.deepEqual(second, { output: first.output, compilerLoaded: false });
  });

  it('a_folder_others_may_write_is_not_used', async () => {
    const shared = join(temp, 'shared');
    const folder = join(shared, `loom-ts-${process.getuid!()}`);
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o777);
    const outcome = await compileInWorker(shared);
    assert.match(outcome.output, /exports\.answer = 42;/);
    assert.deepEqual(readdirSync(folder), []);
  });
});
