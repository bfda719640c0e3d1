/**
 * Where Jupyter looks for kernelspecs, following jupyter_core's rules, so a
 * spec installed here is found without Python or jupyter_client being involved.
 */
import { execFileSync } from 'node:child_process';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Which kernels folder to use: the user's, the Python environment's, or DIR/share/jupyter. */
export type Location = { kind: 'user' } | { kind: 'sys-prefix' } | { kind: 'prefix'; dir: string };

/** What the rules depend on, as a parameter so tests can check every branch. */
export interface Host {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  /** Pythons to ask for sys.prefix, best guess first. */
  pythons: string[];
}

export const currentHost = (): Host => ({
  env: process.env,
  platform: process.platform,
  home: homedir(),
  pythons: ['python3', '/usr/bin/python3'],
});

/** The `kernels` folder for a location; the spec itself goes in `<that>/NAME`. */
export function kernelsDir(location: Location, host: Host = currentHost()): string {
  switch (location.kind) {
    case 'user':
      return join(userDataDir(host), 'kernels');
    case 'prefix':
      return join(resolve(location.dir), 'share', 'jupyter', 'kernels');
    case 'sys-prefix':
      return join(sysPrefix(host), 'share', 'jupyter', 'kernels');
  }
}

/** jupyter_core.paths.jupyter_data_dir(). An empty variable counts as unset, as there. */
function userDataDir({ env, platform, home }: Host): string {
  if (env.JUPYTER_DATA_DIR) return resolve(env.JUPYTER_DATA_DIR);
  if (platform === 'darwin') return join(home, 'Library', 'Jupyter');
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'jupyter');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'jupyter');
}

/**
 * sys.prefix of the Python that Jupyter runs in. An active venv or conda env
 * is that Python. Otherwise ask python3 on PATH and /usr/bin/python3, and
 * prefer the one that has Jupyter installed: they differ often (pyenv or
 * Homebrew on PATH, a distro Jupyter on /usr/bin/python3).
 */
function sysPrefix({ env, pythons }: Host): string {
  const active = env.VIRTUAL_ENV || env.CONDA_PREFIX;
  if (active) return resolve(active);
  const answers = pythons.flatMap((python) => askPython(python, env) ?? []);
  const best = answers.find((a) => a.hasJupyter) ?? answers[0];
  if (best) return best.prefix;
  throw new Error('--sys-prefix: no Python environment found (no $VIRTUAL_ENV or $CONDA_PREFIX, and python3 did not answer); use --prefix DIR instead');
}

const ASK = "import sys, importlib.util; print(sys.prefix); print(importlib.util.find_spec('jupyter_core') is not None)";

function askPython(python: string, env: NodeJS.ProcessEnv): { prefix: string; hasJupyter: boolean } | undefined {
  try {
    const out = execFileSync(python, ['-c', ASK], {
      env,
      encoding: 'utf8',
      timeout: 10_000, // a broken or hung interpreter must not hang the install
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [prefix = '', hasJupyter] = out.trim().split(/\r?\n/);
    return isAbsolute(prefix) ? { prefix, hasJupyter: hasJupyter === 'True' } : undefined;
  } catch {
    return undefined;
  }
}
