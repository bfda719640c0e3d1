/**
 * loom/host, the door for a host (the kernel): reached through the package's
 * exports, the same hook objects the library reads, apart from the user API,
 * and light enough for the kernel to load into every thread a cell starts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import * as door from '../../src/host/index.js';
import * as loom from '../../src/index.js';
import { CONTROL_FD, FRAMES_FD, INPUT_FD, LIFELINE_FD } from '../../src/internal/fd-table.js';
import { threadHooks } from '../../src/internal/host/threads.js';

const ROOT = join(__dirname, '..', '..', '..');

test('loom/host resolves through the package exports to the hooks the library reads', () => {
  // A package may require itself by name when its package.json has "exports".
  const fromPackage = require('loom/host') as typeof door;
  assert.equal(fromPackage.threadHooks, threadHooks);
  assert.equal(door.threadHooks, threadHooks);
});

test('a host\'s hooks and interruptWork are not part of the user API', () => {
  for (const name of ['hooks', 'interruptWork', 'outputHooks', 'threadHooks']) assert.equal(name in loom, false, name);
  // What tells a user that work left nothing behind stays.
  assert.equal(typeof loom.whenWorkersExited, 'function');
});

test('loading the door leaves the hub machinery unloaded until it is used', () => {
  const script = `
    require(${JSON.stringify(join(ROOT, 'dist', 'src', 'host', 'index.js'))});
    const loaded = Object.keys(require.cache).filter((file) => /[\\\\/]internal[\\\\/](hub|entry|pool|ship)[\\\\/]/.test(file));
    process.stdout.write(JSON.stringify(loaded));
  `;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), []);
});

test('every descriptor of the fd table means one thing', () => {
  const fds = [CONTROL_FD, LIFELINE_FD, FRAMES_FD, INPUT_FD];
  assert.equal(new Set(fds).size, fds.length);
  assert.ok(fds.every((fd) => fd > 2), 'stdin, stdout and stderr keep their numbers');
});
