// Loom judged by Jupyter's own clients: jupyter_kernel_test (pytest), an
// nbconvert --execute of a small notebook, and `jupyter kernelspec list`.
// Called by test/run.mjs after the node tests; needs a build (npm run build).
// Everything is written under one temp dir, removed at the end, so nothing
// lands in the user's home or Jupyter folders.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PYTHON = '/usr/bin/python3';
const JUPYTER = '/usr/bin/jupyter';

if (!existsSync(JUPYTER) || spawnSync(PYTHON, ['-c', 'import jupyter_kernel_test, pytest, nbconvert'], { stdio: 'ignore' }).status !== 0) {
  console.log(`\n${'!'.repeat(78)}\nSKIPPED: conformance suite (Jupyter's clients are not installed; CI installs them)\n${'!'.repeat(78)}\n`);
  process.exit(0);
}

const TMP = mkdtempSync(join(tmpdir(), 'loom-conformance-'));
const PREFIX = join(TMP, 'prefix');
const ENV = {
  ...process.env,
  JUPYTER_PATH: join(PREFIX, 'share', 'jupyter'),
  JUPYTER_DATA_DIR: join(TMP, 'data'),
  JUPYTER_RUNTIME_DIR: join(TMP, 'runtime'),
  JUPYTER_CONFIG_DIR: join(TMP, 'config'),
  IPYTHONDIR: join(TMP, 'ipython'),
  PYTHONDONTWRITEBYTECODE: '1', // no __pycache__ in test/conformance
};

let running; // the pid of the command running now, for the signal handlers

/**
 * Runs a command in its own process group; on timeout the whole group is
 * killed. Resolves with its exit status and stdout (echoed as it comes).
 */
function run(command, args, { timeoutMs, cwd = ROOT }) {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env: ENV, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    running = child.pid;
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      done({ status: 1, stdout: `${stdout}\n${error.message}`, timedOut });
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      running = undefined;
      killGroup(child.pid); // anything it left behind in its group
      if (timedOut) console.log(`conformance: ${command} ${args.join(' ')} timed out after ${timeoutMs / 1000} s`);
      done({ status: timedOut ? 1 : status ?? 1, stdout, timedOut });
    });
  });
}

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * jupyter_client starts kernels in a session of their own, so a killed
 * pytest or nbconvert can leave one behind. Ours are exactly the processes
 * whose command line (the connection file) or working dir is in TMP.
 */
function killStrayKernels() {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)) {
    try {
      const inTmp = (path) => path === TMP || path.startsWith(`${TMP}/`);
      const ours = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some(inTmp) || inTmp(readlinkSync(`/proc/${pid}/cwd`));
      if (ours) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
}

async function install() {
  const { status } = await run(process.execPath, [join(ROOT, 'bin', 'loom.js'), 'install', '--prefix', PREFIX], { timeoutMs: 60_000 });
  return status === 0 || 'loom install --prefix failed';
}

async function kernelspecList() {
  const { status, stdout } = await run(JUPYTER, ['kernelspec', 'list'], { timeoutMs: 60_000 });
  if (status !== 0) return `jupyter kernelspec list exited ${status}`;
  const found = /^\s*loom\s+(\S+)\s*$/m.exec(stdout);
  if (!found) return 'jupyter kernelspec list does not show loom';
  return found[1].startsWith(PREFIX) || `jupyter kernelspec list shows loom at ${found[1]}, not in ${PREFIX}`;
}

async function kernelTests() {
  const { status } = await run(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test/conformance'], { timeoutMs: 10 * 60_000 });
  return status === 0 || `pytest exited ${status}`;
}

/** Cell source -> the text its output must put in the HTML (text the source itself does not contain). */
const NOTEBOOK = [
  ["const who: string = 'Loom'\nconsole.log(`hello from ${who}`)", 'hello from Loom'], // a declaration and a stream
  ['who.length * 1000 + 42', '4042'], // an expression result using the previous cell's variable
  ["display.html('<b id=\"loom-html\">bold from display.html</b>')", '<b id="loom-html">bold from display.html</b>'],
  ["await new Promise((done) => setTimeout(done, 10))\nconsole.log(['after', 'await'].join(' '))", 'after await'], // top-level await
];

async function nbconvert() {
  const dir = join(TMP, 'notebook');
  mkdirSync(dir);
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'loom', display_name: 'TypeScript (Loom)', language: 'typescript' } },
    cells: NOTEBOOK.map(([source], i) => ({ cell_type: 'code', id: `cell-${i}`, metadata: {}, execution_count: null, outputs: [], source })),
  };
  writeFileSync(join(dir, 'smoke.ipynb'), JSON.stringify(notebook, null, 1));
  const args = ['nbconvert', '--to', 'html', '--execute', '--ExecutePreprocessor.timeout=60', 'smoke.ipynb'];
  const { status } = await run(JUPYTER, args, { cwd: dir, timeoutMs: 3 * 60_000 });
  if (status !== 0) return `jupyter nbconvert --execute exited ${status}`;
  const html = readFileSync(join(dir, 'smoke.html'), 'utf8');
  const missing = NOTEBOOK.map(([, expected]) => expected).filter((expected) => !html.includes(expected));
  return missing.length === 0 || `the nbconvert HTML lacks ${missing.map((m) => JSON.stringify(m)).join(', ')}`;
}

async function main() {
  const results = [];
  try {
    const installed = await install();
    results.push(['loom install --prefix', installed]);
    if (installed === true) {
      for (const [name, step] of [['jupyter kernelspec list', kernelspecList], ['jupyter_kernel_test (pytest)', kernelTests], ['jupyter nbconvert --execute', nbconvert]]) {
        console.log(`\nconformance: ${name}`);
        results.push([name, await step()]);
        killStrayKernels();
      }
    }
  } finally {
    killStrayKernels();
    rmSync(TMP, { recursive: true, force: true });
  }
  console.log('');
  for (const [name, result] of results) console.log(`conformance: ${result === true ? 'ok  ' : 'FAIL'} ${name}${result === true ? '' : `: ${result}`}`);
  const failed = results.filter(([, result]) => result !== true).length;
  console.log(`conformance: ${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (running) killGroup(running); // detached, so the terminal's signal did not reach it
    killStrayKernels();
    rmSync(TMP, { recursive: true, force: true });
    process.exit(1);
  });
}

await main();
