// Sets the harness up on first use, and says what it did: Debian's Jupyter
// server and Chromium (apt-get), this folder's npm packages (npm ci), and our
// build of the JupyterLab front end (rspack). Each step runs only when what it
// makes is missing or older than what it is made from (the front end also when
// it was built from other contents).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, LAB_DIR, PYTHON } from './paths.mjs';

/** The Debian packages the browser tests need, and how to tell each is there. */
const DEBIAN_PACKAGES = [
  ['python3-jupyter-server', () => pythonImports('jupyter_server')],
  ['python3-jupyterlab-server', () => pythonImports('jupyterlab_server')],
  ['python3-nbconvert', () => pythonImports('nbconvert')],
  ['python3-nbformat', () => pythonImports('nbformat')],
  ['chromium', () => existsSync(CHROMIUM)],
  ['fonts-liberation', () => existsSync('/usr/share/fonts/truetype/liberation')],
];

export class SetupError extends Error {}

function pythonImports(module) {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

/** True when Debian's Jupyter server packages are installed (what the services tests need). */
export function hasJupyterServer() {
  return pythonImports('jupyter_server') && pythonImports('jupyterlab_server');
}

function run(command, args, what) {
  console.log(`lab setup: ${what}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: LAB_DIR, stdio: 'inherit' });
  if (result.status !== 0) throw new SetupError(`${what} failed (${command} exited ${result.status ?? result.signal ?? result.error?.message})`);
}

/** apt-get installs the missing Debian packages; as root only, else it says what to run. */
export function ensureDebianPackages(needed = DEBIAN_PACKAGES.map(([name]) => name)) {
  const missing = DEBIAN_PACKAGES.filter(([name, present]) => needed.includes(name) && !present()).map(([name]) => name);
  if (missing.length === 0) return;
  const install = ['install', '-y', '--no-install-recommends', ...missing];
  if (process.getuid?.() !== 0) {
    throw new SetupError(`missing Debian packages: ${missing.join(' ')}; install them with\n  sudo apt-get update && sudo apt-get ${install.join(' ')}`);
  }
  process.env.DEBIAN_FRONTEND = 'noninteractive';
  run('apt-get', ['update'], 'Debian package lists');
  run('apt-get', install, 'Debian packages');
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** npm ci in this folder when node_modules is missing or older than the lock file. */
export function ensureNodeModules() {
  const installed = join(LAB_DIR, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(join(LAB_DIR, 'package-lock.json')).mtimeMs) return;
  run('npm', ['ci', '--no-audit', '--no-fund'], 'npm packages of test/e2e/lab');
}

/** A digest of a file's or folder's contents (a folder: its files, by name). */
function digestOf(path, hash = createHash('sha256')) {
  if (!existsSync(path)) return hash.update(`missing ${path}\n`);
  if (!statSync(path).isDirectory()) return hash.update(`${path}\n`).update(readFileSync(path));
  for (const name of readdirSync(path).sort()) digestOf(join(path, name), hash);
  return hash;
}

/**
 * Builds the front end when build/ is missing, or older than its sources or
 * packages, or built from other ones: the stamp holds a digest of what it was
 * built from, so a build/ that is newer than a changed package.json (a copied
 * tree, a checkout that kept old times) still cannot hide a newly listed plugin.
 */
export function ensureFrontEnd() {
  const stamp = join(LAB_DIR, 'build', '.built');
  const sources = ['frontend', 'rspack.config.js', 'package.json', join('node_modules', '.package-lock.json')];
  const newest = Math.max(...sources.map((source) => newestMtime(join(LAB_DIR, source))));
  const digest = sources.reduce((hash, source) => digestOf(join(LAB_DIR, source), hash), createHash('sha256')).digest('hex');
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newest && readFileSync(stamp, 'utf8').includes(`sources ${digest}`)) return;
  run(process.execPath, [join('node_modules', '@rspack', 'cli', 'bin', 'rspack.js'), 'build'], 'JupyterLab front end');
  writeFileSync(stamp, `${new Date().toISOString()}\nsources ${digest}\n`);
}
