/**
 * The spare child of a hub (src/internal/hub/spare.ts): after a start, the
 * hub keeps one child booted ahead, and the next Process or pool worker takes
 * it. It must be what a fresh child would have been (Python's forkserver
 * children are: test_multiprocessing_forkserver runs the whole of
 * _test_multiprocessing against them, and test_process's test_environment /
 * test_cwd-like checks are what the env and cwd cases mirror: a child sees
 * os.environ and the directory as they are at start()), and it must never
 * outlive its parent (Python's forkserver exits when its parent's pipe closes:
 * test_forkserver_sigkill / test_forkserver_sigint in _test_multiprocessing).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { liveChildPids, multiprocessing, Pool, Process, whenWorkersExited } from '../../src/index.js';
import { descendantsOf, isAlive, waitForExit } from '../helpers/processes.js';
import { assertNothingLeftAtEnd } from './helpers.js';
import { withSpare } from './spare-child.js';

assertNothingLeftAtEnd();

/** Starts a Process whose target puts one value on the queue it is given, and returns that value with the child's pid. */
async function reportFromChild<T>(target: (out: multiprocessing.Queue<T>) => void): Promise<{ pid: number; value: T }> {
  const out = new multiprocessing.Queue<T>();
  const proc = new Process({ target, args: [out] });
  proc.start();
  const value = await out.get();
  await proc.join();
  assert.equal(proc.exitCode, 0);
  return { pid: proc.pid!, value };
}

test('the next Process takes the spare child, which looks like a fresh one', async () => {
  await withSpare(async (spare, held) => {
    assert.ok(!liveChildPids().includes(spare), 'a spare is not a live child until it has work');
    const child = await reportFromChild<{ argv: string[]; execArgv: string[]; ppid: number }>((out) => out.putSync({ argv: process.argv.slice(1), execArgv: process.execArgv, ppid: process.ppid }));
    assert.equal(child.pid, spare);
    assert.equal(child.value.ppid, process.pid);
    // The command line of a fresh child: the held one was spawned fresh.
    const fresh = readFileSync(`/proc/${held.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    assert.deepEqual([...child.value.execArgv, ...child.value.argv], fresh.slice(1));
  });
});

test('a spare is not used once the environment has changed: the child sees the environment of its start()', async () => {
  await withSpare(async (spare) => {
    process.env.LOOM_SPARE_TEST = 'changed after the spare was spawned';
    try {
      const child = await reportFromChild<string | undefined>((out) => out.putSync(process.env.LOOM_SPARE_TEST));
      assert.equal(child.value, 'changed after the spare was spawned');
      assert.notEqual(child.pid, spare);
      await waitForExit([spare], 5000);
    } finally {
      delete process.env.LOOM_SPARE_TEST;
    }
  });
});

test('nor once the working directory has changed: the child starts in the directory of its start()', async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'loom-spare-')));
  const before = process.cwd();
  try {
    await withSpare(async (spare) => {
      process.chdir(dir);
      try {
        const child = await reportFromChild<string>((out) => out.putSync(process.cwd()));
        assert.equal(child.value, dir);
        assert.notEqual(child.pid, spare);
        await waitForExit([spare], 5000);
      } finally {
        process.chdir(before);
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pool worker takes the spare too', async () => {
  await withSpare(async (spare) => {
    const pool = new Pool(1);
    try {
      assert.equal(await pool.apply(() => process.pid), spare);
    } finally {
      pool.terminate();
      await pool.join();
    }
  });
});

test('but not a pool that asks for other Node options: its worker is spawned fresh with them', async () => {
  await withSpare(async (spare) => {
    const other = new Pool({ processes: 1, execArgv: ['--stack-size=2000'] });
    try {
      const worker = await other.apply(() => ({ pid: process.pid, execArgv: process.execArgv }));
      assert.notEqual(worker.pid, spare);
      assert.ok(worker.execArgv.includes('--stack-size=2000'));
      await waitForExit([spare], 5000);
    } finally {
      other.terminate();
      await other.join();
    }
  });
});

test('the spare is killed when its hub stops', async () => {
  let spare = 0;
  await withSpare(async (found) => {
    spare = found;
  });
  // Nothing uses the hub now: it stops after a moment, and its thread ends once it has killed its spare and seen it exit.
  assert.equal(await whenWorkersExited(5000), 0, 'the hub thread stops once nothing uses it');
  assert.equal(isAlive(spare), false, 'the spare is gone when its hub is');
});

/** A script that runs a Process, then starts a held one (its hub's second start: it makes a spare), prints "ready", and ends on its own when told ("end") or when killed. */
function scriptWithSpare(): { pid: number; ready: Promise<void>; tell: (line: string) => void; exited: Promise<number | null> } {
  const index = JSON.stringify(join(__dirname, '..', '..', 'src', 'index.js'));
  const code = `
    const { Process, multiprocessing } = require(${index});
    const gate = new multiprocessing.Queue();
    const first = new Process({ target: () => {} });
    first.start();
    first.join().then(() => {
      const p = new Process({ target: (g) => g.getSync(), args: [gate] });
      p.start();
      console.log('ready');
      process.stdin.once('data', () => { gate.putSync(1); p.join().then(() => process.stdin.destroy()); });
    });
  `;
  const script = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    script.stdout.on('data', (chunk: Buffer) => { if (String(chunk).includes('ready')) resolve(); });
    script.once('exit', (status) => reject(new Error(`the script exited (${status}) before it was ready`)));
  });
  const exited = new Promise<number | null>((resolve) => script.once('exit', resolve));
  return { pid: script.pid!, ready, tell: (line) => script.stdin.write(`${line}\n`), exited };
}

/** The held Process and the spare of a script: its two children, once both are there. */
async function childrenOf(pid: number): Promise<number[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const children = descendantsOf(pid).filter(isAlive);
    if (children.length === 2) return children;
    assert.ok(Date.now() < deadline, `expected a held child and a spare, found ${children.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a spare leaves nothing behind when its parent ends normally', async () => {
  const script = scriptWithSpare();
  await script.ready;
  const children = await childrenOf(script.pid);
  script.tell('end');
  assert.equal(await script.exited, 0);
  // Killed at its parent's exit (client.ts), or through the lifeline if it was spawned a moment before (a spare
  // still booting notices at the first line of its entry, after Node's own boot: seconds on a loaded machine).
  await waitForExit(children, 10_000);
});

test('a spare dies with its parent, even when the parent is SIGKILLed', async () => {
  const script = scriptWithSpare();
  await script.ready;
  const children = await childrenOf(script.pid);
  process.kill(script.pid, 'SIGKILL');
  await script.exited;
  // The lifeline: the held child's helper thread sees EOF within 100 ms and kills its process; the
  // spare, blocked on fd 3, sees EOF there. A spare still booting notices at the first line of its
  // entry, after Node's own boot, which takes seconds on a loaded machine: hence the bound.
  await waitForExit(children, 10_000);
});
