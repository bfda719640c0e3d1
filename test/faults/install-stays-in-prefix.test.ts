/**
 * `loom install --prefix DIR` (and reinstall, uninstall, refused names) writes
 * nothing outside DIR: HOME, the temp folder and the working directory, all
 * pointed into one sandbox, are byte-for-byte as before. A spec folder that is
 * a symlink to somewhere else is replaced, and the place it pointed to is left alone.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LOOM_CLI } from './helpers/spawn-kernel.js';

/** Every path under root with what identifies its content and metadata. */
function snapshot(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const path of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const stat = lstatSync(join(root, path));
    entries.set(path, `${stat.mode} ${stat.size} ${stat.mtimeMs} ${stat.isSymbolicLink() ? 'link' : ''}`);
  }
  return entries;
}

/** The prefix folder itself changes too (a new entry in it). */
const outsidePrefix = (path: string): boolean => path !== 'prefix' && !path.startsWith('prefix/');

/** Paths added, removed or changed between two snapshots. */
function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path)).sort();
}

describe('install stays in its prefix', { timeout: 60_000 }, () => {
  const sandbox = mkdtempSync(join(tmpdir(), 'loom-faults-install-'));
  after(() => rmSync(sandbox, { recursive: true, force: true }));
  const [home, prefix, temp, cwd, outside] = ['home', 'prefix', 'tmp', 'cwd', 'outside'].map((name) => join(sandbox, name));
  for (const dir of [home, prefix, temp, cwd, outside]) mkdirSync(dir);
  writeFileSync(join(home, '.bashrc'), '# the user\'s own\n');
  writeFileSync(join(outside, 'kernel.json'), '{"not": "ours"}\n');

  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, TMPDIR: temp, PWD: cwd };
  for (const name of ['JUPYTER_DATA_DIR', 'JUPYTER_PATH', 'JUPYTER_CONFIG_DIR', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'VIRTUAL_ENV', 'CONDA_PREFIX']) delete env[name];

  function loom(...args: string[]): { code: number | null; output: string } {
    const run = spawnSync(process.execPath, [LOOM_CLI, ...args], { cwd, env, encoding: 'utf8', timeout: 30_000 });
    return { code: run.status, output: `${run.stdout}${run.stderr}` };
  }

  /** Runs a command and returns what changed in the sandbox. */
  function changedBy(...args: string[]): { code: number | null; output: string; changed: string[] } {
    const before = snapshot(sandbox);
    const run = loom(...args);
    return { ...run, changed: changes(before, snapshot(sandbox)) };
  }

  it('install_reinstall_and_uninstall_touch_only_the_prefix', (t) => {
    const steps = [
      ['install', '--prefix', prefix],
      ['install', '--prefix', prefix, '--display-name', 'Again'],
      ['install', '--prefix', prefix, '--name', 'second'],
      ['uninstall', '--prefix', prefix],
      ['uninstall', '--prefix', prefix, '--name', 'second'],
    ];
    for (const step of steps) {
      const { code, output, changed } = changedBy(...step);
      t.diagnostic(`loom ${step.join(' ').replaceAll(sandbox, '<sandbox>')}: exit ${code}, changed ${changed.length} paths`);
      assert.equal(code, 0, output);
      assert.ok(changed.length > 0, 'the step did something');
      assert.deepEqual(changed.filter(outsidePrefix), [], `loom ${step.join(' ')} wrote outside the prefix`);
    }
  });

  it('refused_names_write_nothing_anywhere', () => {
    for (const name of ['..', '../../home', '../escape', 'a/b', '.', '', 'UPPER']) {
      const { code, changed } = changedBy('install', '--prefix', prefix, '--name', name);
      assert.equal(code, 2, `name ${JSON.stringify(name)} is a usage error`);
      assert.deepEqual(changed, [], `name ${JSON.stringify(name)} wrote nothing`);
    }
  });

  it('a_spec_folder_that_is_a_symlink_is_replaced_and_its_target_left_alone', () => {
    const kernels = join(prefix, 'share', 'jupyter', 'kernels');
    mkdirSync(kernels, { recursive: true });
    symlinkSync(outside, join(kernels, 'linked'));
    for (const step of [['install', '--prefix', prefix, '--name', 'linked'], ['uninstall', '--prefix', prefix, '--name', 'linked']]) {
      const { code, output, changed } = changedBy(...step);
      assert.equal(code, 0, output);
      assert.deepEqual(changed.filter(outsidePrefix), [], `loom ${step.join(' ')} wrote outside the prefix`);
    }
  });
});
