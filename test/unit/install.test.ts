/**
 * `loom install` / `loom uninstall` run as real child processes (node bin/loom.js)
 * against temp folders, plus the location rules checked in-process. HOME and the
 * Jupyter variables always point into a temp folder, so a bug can never write
 * into the real ~/.local or a Python environment.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { kernelsDir, type Host } from '../../kernel/install/locations.js';

const ROOT = resolve(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'loom.js');
const CLI = join(ROOT, 'dist', 'kernel', 'cli', 'main.js');
const ASSETS = join(ROOT, 'kernel', 'install', 'assets');
const SPEC_FILES = ['kernel.json', 'logo-32x32.png', 'logo-64x64.png', 'logo-svg.svg'];
const JUPYTER = '/usr/bin/jupyter';

const temps: string[] = [];
after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'loom-install-test-'));
  temps.push(dir);
  return dir;
}

/** The environment every child gets: nothing that points at real Jupyter folders. */
function isolatedEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, ...extra };
  for (const key of ['JUPYTER_DATA_DIR', 'XDG_DATA_HOME', 'VIRTUAL_ENV', 'CONDA_PREFIX', 'JUPYTER_PATH']) {
    if (!(key in extra)) delete env[key];
  }
  return env;
}

function loom(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file and folder under dir, relative to it, sorted. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** The folders a spec at `<base>/NAME` produces under base, parents included. */
function expectedTree(specDir: string, base: string): string[] {
  const parts = relative(base, specDir).split('/');
  const parents = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  return [...parents, ...SPEC_FILES.map((f) => `${relative(base, specDir)}/${f}`)].sort();
}

function pngSize(file: string): { width: number; height: number } {
  const png = readFileSync(file);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file}: PNG signature`);
  assert.equal(png.toString('ascii', 12, 16), 'IHDR', `${file}: first chunk is IHDR`);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function readSpec(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'kernel.json'), 'utf8'));
}

describe('loom install --prefix', () => {
  const base = tempDir();
  const home = tempDir();
  const env = isolatedEnv(home);
  const prefix = join(base, 'prefix');
  const specDir = join(prefix, 'share', 'jupyter', 'kernels', 'loom');

  test('writes kernel.json and the logos, and nothing else anywhere', () => {
    const run = loom(['install', '--prefix', prefix], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`Installed kernelspec loom in ${specDir}`));

    assert.deepEqual(readSpec(specDir), {
      argv: [process.execPath, CLI, 'kernel', '{connection_file}'],
      display_name: 'TypeScript (Loom)',
      language: 'typescript',
      interrupt_mode: 'message',
      env: { MALLOC_MMAP_THRESHOLD_: '131072' },
      metadata: { debugger: true },
    });
    assert.ok(existsSync(CLI), 'argv[1] exists');
    assert.deepEqual(pngSize(join(specDir, 'logo-32x32.png')), { width: 32, height: 32 });
    assert.deepEqual(pngSize(join(specDir, 'logo-64x64.png')), { width: 64, height: 64 });
    for (const logo of SPEC_FILES.slice(1)) {
      assert.deepEqual(readFileSync(join(specDir, logo)), readFileSync(join(ASSETS, logo)), `${logo} copied as is`);
    }
    assert.match(readFileSync(join(specDir, 'logo-svg.svg'), 'utf8'), /^<svg [^>]*viewBox="0 0 64 64"/);
    assert.deepEqual(tree(base), expectedTree(specDir, base));
    assert.deepEqual(tree(home), [], 'nothing written to HOME');
  });

  test('installing again replaces the spec instead of merging', () => {
    writeFileSync(join(specDir, 'stale.txt'), 'from an older install');
    const run = loom(['install', '--prefix', prefix, '--display-name', 'Loom dev'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(readSpec(specDir).display_name, 'Loom dev');
    assert.deepEqual(tree(base), expectedTree(specDir, base));
  });

  test('--name picks the folder', () => {
    const run = loom(['install', `--prefix=${prefix}`, '--name', 'loom-2.0_x'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(tree(join(prefix, 'share', 'jupyter', 'kernels', 'loom-2.0_x')), SPEC_FILES);
  });

  test('a bad name is refused with a usage error, and nothing is written', () => {
    const empty = tempDir();
    for (const name of ['Loom', 'my kernel', '../escape', '..', '.', 'a/b', '']) {
      const run = loom(['install', '--prefix', empty, '--name', name], env);
      assert.equal(run.code, 2, `name ${JSON.stringify(name)}: ${run.stderr}`);
      assert.match(run.stderr, /invalid kernel name/);
      assert.match(run.stderr, /Usage: loom/);
    }
    assert.deepEqual(tree(empty), []);
  });

  test('uninstall removes exactly that folder, then says it is not installed', () => {
    const run = loom(['uninstall', '--prefix', prefix], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`Removed kernelspec loom from ${specDir}`));
    assert.ok(!existsSync(specDir));
    assert.ok(existsSync(join(prefix, 'share', 'jupyter', 'kernels', 'loom-2.0_x')), 'other specs stay');

    const again = loom(['uninstall', '--prefix', prefix], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /kernelspec loom is not installed/);
  });
});

describe('loom install locations', () => {
  test('--user (and no flag) honours JUPYTER_DATA_DIR', () => {
    const home = tempDir();
    const data = tempDir();
    const env = isolatedEnv(home, { JUPYTER_DATA_DIR: data });
    for (const args of [['install', '--user'], ['install']]) {
      const run = loom(args, env);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(tree(data), expectedTree(join(data, 'kernels', 'loom'), data));
    }
    assert.deepEqual(tree(home), []);
    assert.equal(loom(['uninstall'], env).code, 0);
    assert.deepEqual(tree(data), ['kernels']);
  });

  test('--user without JUPYTER_DATA_DIR uses XDG_DATA_HOME, then ~/.local/share (Linux)', { skip: process.platform !== 'linux' && 'Linux rules only' }, () => {
    const home = tempDir();
    const xdg = tempDir();
    assert.equal(loom(['install', '--user'], isolatedEnv(home, { XDG_DATA_HOME: xdg })).code, 0);
    assert.deepEqual(tree(xdg), expectedTree(join(xdg, 'jupyter', 'kernels', 'loom'), xdg));
    assert.equal(loom(['install', '--user'], isolatedEnv(home)).code, 0);
    assert.deepEqual(tree(home), expectedTree(join(home, '.local', 'share', 'jupyter', 'kernels', 'loom'), home));
  });

  test('--sys-prefix uses VIRTUAL_ENV, else CONDA_PREFIX', () => {
    const home = tempDir();
    const venv = tempDir();
    const conda = tempDir();
    const run = loom(['install', '--sys-prefix'], isolatedEnv(home, { VIRTUAL_ENV: venv, CONDA_PREFIX: conda }));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(tree(venv), expectedTree(join(venv, 'share', 'jupyter', 'kernels', 'loom'), venv));
    assert.equal(loom(['install', '--sys-prefix'], isolatedEnv(home, { CONDA_PREFIX: conda })).code, 0);
    assert.deepEqual(tree(conda), expectedTree(join(conda, 'share', 'jupyter', 'kernels', 'loom'), conda));
  });

  test('the rules, in-process: macOS, XDG, prefix, and no Python for --sys-prefix', () => {
    const host: Host = { env: {}, platform: 'linux', home: '/home/u', pythons: ['/nonexistent/python3'] };
    assert.equal(kernelsDir({ kind: 'user' }, host), '/home/u/.local/share/jupyter/kernels');
    assert.equal(kernelsDir({ kind: 'user' }, { ...host, env: { XDG_DATA_HOME: '/x' } }), '/x/jupyter/kernels');
    assert.equal(kernelsDir({ kind: 'user' }, { ...host, env: { XDG_DATA_HOME: '' } }), '/home/u/.local/share/jupyter/kernels');
    assert.equal(kernelsDir({ kind: 'user' }, { ...host, platform: 'darwin' }), '/home/u/Library/Jupyter/kernels');
    assert.equal(kernelsDir({ kind: 'user' }, { ...host, platform: 'darwin', env: { JUPYTER_DATA_DIR: '/j' } }), '/j/kernels');
    assert.equal(kernelsDir({ kind: 'prefix', dir: '/p' }, host), '/p/share/jupyter/kernels');
    assert.throws(() => kernelsDir({ kind: 'sys-prefix' }, host), /use --prefix DIR/);
  });
});

describe('loom command line', () => {
  const env = isolatedEnv(tempDir());

  test('--help and help print the usage', () => {
    for (const args of [['--help'], ['help'], ['-h'], ['install', '--help']]) {
      const run = loom(args, env);
      assert.equal(run.code, 0, args.join(' '));
      assert.match(run.stdout, /Usage: loom <command>[\s\S]*install[\s\S]*--sys-prefix/);
    }
  });

  test('bad input is named, with the usage, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [[], /missing command/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['install', '--bogus'], /Unknown option '--bogus'/],
      [['install', '--prefix'], /'--prefix <value>' argument missing/],
      [['install', '--user', '--prefix', '/tmp/x'], /only one of --user, --sys-prefix, --prefix/],
      [['uninstall', '--display-name', 'x'], /Unknown option '--display-name'/],
      [['kernel'], /exactly one CONNECTION_FILE/],
    ];
    for (const [args, message] of cases) {
      const run = loom(args, env);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /Usage: loom/);
    }
  });

  test('run with a bad flag is a usage error (exit 2)', () => {
    const run = loom(['run', '--no-such-flag'], env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--no-such-flag/);
  });
});

describe('Jupyter sees the spec', () => {
  const skip = !existsSync(JUPYTER) && `${JUPYTER} not found: skipping the check with Jupyter's own kernelspec list`;

  test('jupyter kernelspec list --json finds --prefix and --user installs', { skip }, () => {
    const home = tempDir();
    const prefix = tempDir();
    const data = tempDir();
    assert.equal(loom(['install', '--prefix', prefix, '--name', 'loom-prefix'], isolatedEnv(home)).code, 0);
    assert.equal(loom(['install', '--name', 'loom-user'], isolatedEnv(home, { JUPYTER_DATA_DIR: data })).code, 0);

    // Config and runtime dirs in temp too: jupyter may write there (config migration).
    const env = isolatedEnv(home, {
      JUPYTER_PATH: join(prefix, 'share', 'jupyter'),
      JUPYTER_DATA_DIR: data,
      JUPYTER_CONFIG_DIR: join(home, 'config'),
      JUPYTER_RUNTIME_DIR: join(home, 'runtime'),
    });
    const list = spawnSync(JUPYTER, ['kernelspec', 'list', '--json'], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(list.status, 0, list.stderr);
    const { kernelspecs } = JSON.parse(list.stdout) as { kernelspecs: Record<string, { resource_dir: string; spec: { argv: string[]; language: string } }> };
    assert.equal(kernelspecs['loom-prefix']?.resource_dir, join(prefix, 'share', 'jupyter', 'kernels', 'loom-prefix'));
    assert.equal(kernelspecs['loom-user']?.resource_dir, join(data, 'kernels', 'loom-user'));
    assert.deepEqual(kernelspecs['loom-prefix']?.spec.argv, [process.execPath, CLI, 'kernel', '{connection_file}']);
    assert.equal(kernelspecs['loom-user']?.spec.language, 'typescript');
  });
});
