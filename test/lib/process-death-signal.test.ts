/**
 * The kernel's parent-death signal (src/internal/hub/death-signal.ts): on
 * Linux with util-linux's setpriv, a loom child is killed by the kernel the
 * moment its parent dies, whatever it is doing. Its lifeline cannot do that
 * for a child that runs no JavaScript: one still in Node's own boot, or one
 * stopped (SIGSTOP), which these tests use to take the lifeline out of play.
 * No CPython counterpart: Python's multiprocessing children outlive a parent
 * killed with SIGKILL (only daemonic ones are ended, and only at a clean exit).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { deathSignalPrefix } from '../../src/internal/hub/death-signal.js';
import { isAlive, waitForExit } from '../helpers/processes.js';
import { assertNothingLeftAtEnd } from './helpers.js';

assertNothingLeftAtEnd();

const src = JSON.stringify(join(__dirname, '..', '..', 'src', 'index.js'));
const skip = deathSignalPrefix().length === 0 ? 'no setpriv with --pdeathsig here: children have their lifeline alone' : false;

/** Runs `code` in a script (loom as `loom`) that prints "pid N" for its child; resolves with both pids. */
function owner(code: string): Promise<{ owner: number; child: number }> {
  const script = spawn(process.execPath, ['-e', `const loom = require(${src});\n${code}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    script.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('pid '));
      if (line) resolve({ owner: script.pid!, child: Number(line.slice(4)) });
    });
    script.on('exit', (code) => reject(new Error(`the owner exited with ${code} before printing its child's pid: ${out}`)));
  });
}

/** Stops the child (its lifeline is never read again), kills the owner, and waits for the child's end. */
async function stopChildKillOwner(pids: { owner: number; child: number }): Promise<void> {
  process.kill(pids.child, 'SIGSTOP');
  process.kill(pids.owner, 'SIGKILL');
  try {
    await waitForExit([pids.child], 5000);
  } finally {
    // Never leave one behind, even when the test fails.
    if (isAlive(pids.child)) process.kill(pids.child, 'SIGKILL');
  }
}

test('a child running user code dies with its SIGKILLed parent even when it cannot look at its lifeline (stopped)', { skip }, async () => {
  await stopChildKillOwner(await owner(`
    const running = new loom.multiprocessing.Queue();
    const p = new loom.Process({ target: (running) => { running.putSync(1); for (;;); }, args: [running] });
    p.start();
    running.get().then(() => console.log('pid ' + p.pid));
  `));
});

test('so does a child stopped while Node still boots, before any JavaScript of its own ran', { skip }, async () => {
  await stopChildKillOwner(await owner(`
    const p = new loom.Process({ target: () => { for (;;); } });
    p.start();
    console.log('pid ' + p.pid);
  `));
});
