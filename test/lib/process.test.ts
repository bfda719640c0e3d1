import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  activeChildren, ArgumentTypeError, currentProcess, FreeVariableError, NotShippableError, Process, ProcessStateError, Queue,
} from '../../src/index.js';
import { isAlive } from '../helpers/processes.js';
import { assertNothingLeftAtEnd } from './helpers.js';

assertNothingLeftAtEnd();

const multiprocessing = JSON.stringify(join(__dirname, '..', '..', 'src', 'multiprocessing', 'index.js'));

/** Runs a small script in its own process: output and exit can only be seen from outside. */
function run(code: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-e', `const { Process, Pool, currentProcess } = require(${multiprocessing});\n${code}`], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('a target runs in another process with its args; exitCode is 0', async () => {
  const p = new Process({ target: (a: number, b: string) => { if (a !== 2 || b !== 'x') process.exit(3); }, args: [2, 'x'] });
  assert.equal(p.exitCode, null);
  assert.equal(p.pid, undefined);
  p.start();
  assert.equal(typeof p.pid, 'number');
  assert.notEqual(p.pid, process.pid);
  assert.equal(p.isAlive(), true);
  await p.join();
  assert.equal(p.isAlive(), false);
  assert.equal(p.exitCode, 0);
});

class Worker extends Process {
  label = 'from the parent';
  override run(): void {
    const me = currentProcess();
    // Fields came along; the name and pid are the child's.
    if (me !== this || this.label !== 'from the parent' || me.pid !== process.pid) process.exit(4);
    for (let i = 0; i < 1e7; i++);
  }
}

test('a subclass runs with its fields; the name is Python\'s; isAlive() turns false inside a busy loop', () => {
  const p = new Worker();
  assert.match(p.name, /^Worker-\d+$/);
  p.start();
  let spins = 0;
  while (p.isAlive()) spins++;
  assert.ok(spins > 0);
  assert.equal(p.exitCode, 0);
  p.joinSync();
});

test('join rethrows what run() threw (with the child\'s stack); exitCode is 1', async () => {
  const p = new Process({ target: () => { throw new TypeError('bad input'); } });
  p.start();
  await assert.rejects(p.join(), (e: Error) => e instanceof TypeError && e.message === 'bad input' && /bad input/.test((e.cause as Error).stack!));
  assert.equal(p.exitCode, 1);
});

test('process.exit(n) gives exitCode n; kill() gives -9 and terminate() -15, as in Python', async () => {
  const exits = new Process({ target: () => process.exit(5) });
  exits.start();
  exits.joinSync();
  assert.equal(exits.exitCode, 5);
  const spinning = new Process({ target: () => { for (;;); } });
  spinning.start();
  spinning.joinSync(0.05);
  assert.equal(spinning.isAlive(), true);
  assert.deepEqual(activeChildren(), [spinning]);
  spinning.kill();
  await spinning.join();
  assert.equal(spinning.exitCode, -9);
  const waiting = new Process({ target: () => new Promise(() => setInterval(() => {}, 1000)) });
  waiting.start();
  waiting.terminate();
  await waiting.join();
  assert.equal(waiting.exitCode, -15);
  assert.deepEqual(activeChildren(), []);
});

test('join with a timeout returns while the process still runs', async () => {
  const p = new Process({ target: () => { const end = Date.now() + 300; while (Date.now() < end); } });
  p.start();
  await p.join(0.01);
  assert.equal(p.isAlive(), true);
  await p.join();
  assert.equal(p.exitCode, 0);
});

test('wrong use throws at once', () => {
  assert.throws(() => new Process({ target: 5 as never }), (e: Error) => e instanceof ArgumentTypeError && e.message === "'target' must be a function; got 5");
  assert.throws(() => new Process({ args: 'x' as never }), /'args' must be an array/);
  const p = new Process({ target: () => {} });
  assert.throws(() => p.joinSync(), ProcessStateError);
  const outside = 1;
  assert.throws(() => new Process({ target: () => outside }).start(), (e: Error) => e instanceof FreeVariableError && /not visible in the process.*new Process\(\{target, args/.test(e.message));
  // A threading Queue stays in this process (a Lock now reaches processes: mp-sync.test.ts).
  assert.throws(() => new Process({ target: (q: Queue) => q, args: [new Queue()] }).start(), NotShippableError);
  p.start();
  assert.throws(() => p.start(), ProcessStateError);
  assert.throws(() => { p.daemon = true; }, ProcessStateError);
  p.joinSync();
  p.close();
});

test('currentProcess() is MainProcess here; output from the child appears live on this process\'s stdout', () => {
  assert.equal(currentProcess().name, 'MainProcess');
  assert.equal(currentProcess().pid, process.pid);
  const result = run(`
    const p = new Process({ target: (n) => console.log('child says', n, currentProcess().name), args: [7] });
    p.start();
    p.joinSync();
    console.log('parent done', p.exitCode);
  `);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(result.stdout.trim().split('\n'), ['child says 7 Process-1', 'parent done 0']);
});

test('a non-daemon process keeps the parent alive until it ends; a daemon one is stopped when the parent exits', () => {
  const kept = run(`
    new Process({ target: () => { const end = Date.now() + 200; while (Date.now() < end); console.log('child finished'); } }).start();
    console.log('main done');
  `);
  assert.equal(kept.status, 0, kept.stderr);
  assert.deepEqual(kept.stdout.trim().split('\n'), ['main done', 'child finished']);
  const daemon = run(`
    const p = new Process({ target: () => { for (;;); }, daemon: true });
    p.start();
    console.log(p.pid);
  `);
  assert.equal(daemon.status, 0, daemon.stderr);
  const pid = Number(daemon.stdout.trim());
  const deadline = Date.now() + 2000;
  while (isAlive(pid) && Date.now() < deadline);
  assert.equal(isAlive(pid), false);
});

test('an error in a process nobody joins is reported on stderr', () => {
  const result = run(`new Process({ name: 'lonely', target: () => { throw new Error('unseen'); } }).start();`);
  assert.equal(result.status, 0);
  assert.match(result.stderr, /Exception in process lonely \(pid \d+\):\n.*Error: unseen/);
});
