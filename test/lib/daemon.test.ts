import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const threading = JSON.stringify(join(__dirname, '..', '..', 'src', 'threading', 'index.js'));

/** Runs a small script in its own process (exit behaviour can only be seen from outside). */
function run(code: string): { status: number | null; stdout: string; stderr: string; ms: number } {
  const t0 = Date.now();
  const result = spawnSync(process.execPath, ['-e', `const { Thread, Event } = require(${threading});\n${code}`], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - t0 };
}

test('a daemon thread that never ends does not keep the process alive', () => {
  const result = run(`
    const t = new Thread({ target: () => { for (;;) {} }, daemon: true });
    t.start();
    console.log('main done', t.isAlive());
  `);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /main done true/);
});

test('a non-daemon thread keeps the process alive until it finishes, and its output is live', () => {
  const result = run(`
    const go = new Event();
    const t = new Thread({ target: (go) => { go.waitSync(10); console.log('thread finished'); }, args: [go] });
    t.start();
    console.log('main done');
    setTimeout(() => go.set(), 50).unref();
  `);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(result.stdout.trim().split('\n'), ['main done', 'thread finished']);
});

test('an error in a thread nobody joins is reported on stderr, like the excepthook of Python', () => {
  const result = run(`new Thread({ name: 'lonely', target: () => { throw new Error('unseen'); } }).start();`);
  assert.equal(result.status, 0);
  assert.match(result.stderr, /Exception in thread lonely:\n.*Error: unseen/);
});
