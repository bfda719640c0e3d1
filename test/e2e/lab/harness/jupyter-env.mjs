// A throwaway Jupyter world in one temp folder: the Loom kernelspec installed
// into a prefix there (found through JUPYTER_PATH), Jupyter's data, runtime and
// config folders, and the folder the server serves. In it, `notebooks` is a
// link to the repository's notebooks/, so each runs where it lives (a kernel's
// working directory is its notebook's folder, and the chapter reads ../src and
// starts scripts that import loom); the tests never save those (and JupyterLab
// does not autosave: server/settings/overrides.json). `fixtures` is a copy of
// fixtures/, which the tests do save. Nothing lands in the user's home or
// Jupyter folders.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { FIXTURES, NOTEBOOKS, REPO } from './paths.mjs';

export function createJupyterEnv() {
  const tmp = mkdtempSync(join(tmpdir(), 'loom-lab-'));
  const prefix = join(tmp, 'prefix');
  const root = join(tmp, 'root');
  const env = {
    ...process.env,
    JUPYTER_PATH: join(prefix, 'share', 'jupyter'),
    JUPYTER_DATA_DIR: join(tmp, 'data'),
    JUPYTER_RUNTIME_DIR: join(tmp, 'runtime'),
    JUPYTER_CONFIG_DIR: join(tmp, 'config'),
    IPYTHONDIR: join(tmp, 'ipython'),
    PYTHONDONTWRITEBYTECODE: '1',
  };
  mkdirSync(root);
  symlinkSync(NOTEBOOKS, join(root, 'notebooks'), 'dir');
  cpSync(FIXTURES, join(root, 'fixtures'), { recursive: true, filter: (source) => basename(source) !== '.ipynb_checkpoints' });

  const install = spawnSync(process.execPath, [join(REPO, 'bin', 'loom.js'), 'install', '--prefix', prefix], { env, encoding: 'utf8' });
  if (install.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`loom install --prefix ${prefix} failed:\n${install.stdout}${install.stderr}`);
  }
  return { tmp, root, env, dispose: () => rmSync(tmp, { recursive: true, force: true }) };
}
