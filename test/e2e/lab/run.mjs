// Runs JupyterLab's tests of Loom against server/lab_server.py.
//
//   node test/e2e/lab/run.mjs [browser] [FILTER...]  the browser tests (npm run test:lab)
//   node test/e2e/lab/run.mjs services [FILTER...]   the @jupyterlab/services tests (part of npm test)
//
// FILTER picks test files whose name contains it. It sets the harness up on
// first use (setup.mjs), installs the Loom kernel into a temp prefix, starts
// one server for all test files, runs them with node's test runner, one file
// at a time, and stops the server and every kernel whatever happens. Needs
// Loom built (npm run build): the kernelspec points at dist/.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createJupyterEnv } from './harness/jupyter-env.mjs';
import { startLabServer } from './harness/lab-server.mjs';
import { ARTIFACTS, LAB_DIR, REPO } from './harness/paths.mjs';
import { SetupError, ensureDebianPackages, ensureFrontEnd, ensureNodeModules, hasJupyterServer } from './harness/setup.mjs';

const MODES = {
  browser: { folder: 'tests', timeoutMs: 20 * 60_000 },
  services: { folder: 'services', timeoutMs: 5 * 60_000 },
};

const args = process.argv.slice(2);
const modeName = args[0] in MODES ? args.shift() : 'browser';
const mode = MODES[modeName];
const filters = args;

function banner(text) {
  console.log(`\n${'!'.repeat(78)}\n${text}\n${'!'.repeat(78)}\n`);
}

function setUp() {
  if (modeName === 'services') {
    // npm test runs this: it installs no Debian packages, it says it skipped.
    if (!hasJupyterServer()) {
      banner("SKIPPED: @jupyterlab/services tests (Debian's python3-jupyter-server and python3-jupyterlab-server are not installed; CI installs them)");
      return false;
    }
  } else {
    ensureDebianPackages();
  }
  ensureNodeModules();
  ensureFrontEnd();
  if (!existsSync(join(REPO, 'dist', 'kernel', 'cli', 'main.js'))) throw new SetupError('Loom is not built: run `npm run build` first');
  return true;
}

function testFiles() {
  const dir = join(LAB_DIR, mode.folder);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.test.mjs') && (filters.length === 0 || filters.some((filter) => name.includes(filter))))
    .map((name) => join(dir, name));
}

/** node --test over the files, one at a time (they share the server and two cores). */
function runTests(files, server, jupyterEnv) {
  return new Promise((resolve) => {
    const env = { ...jupyterEnv.env, LOOM_LAB_URL: server.url, LOOM_LAB_TOKEN: server.token, LOOM_LAB_ROOT: jupyterEnv.root };
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], { cwd: LAB_DIR, env, stdio: 'inherit' });
    const timer = setTimeout(() => {
      console.error(`lab tests: still running after ${mode.timeoutMs / 60_000} min; stopping them`);
      child.kill('SIGKILL');
    }, mode.timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main() {
  try {
    if (!setUp()) return 0;
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    console.error(`lab setup: ${error.message}`);
    return 1;
  }
  const files = testFiles();
  if (files.length === 0) {
    console.error(`lab tests: no test file in ${mode.folder}/ matches ${filters.join(', ')}`);
    return 1;
  }
  if (modeName === 'browser') {
    // Screenshots of this run only, so none is mistaken for a fresh one.
    rmSync(ARTIFACTS, { recursive: true, force: true });
  }
  mkdirSync(ARTIFACTS, { recursive: true });

  const jupyterEnv = createJupyterEnv();
  let server;
  const cleanUp = async () => {
    await server?.stop();
    jupyterEnv.dispose();
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      cleanUp().finally(() => process.exit(1));
    });
  }
  try {
    server = await startLabServer(jupyterEnv, { logFile: join(ARTIFACTS, `${modeName}-server.log`) });
    console.log(`lab tests: ${modeName}, ${files.length} file(s), JupyterLab at ${server.url}lab`);
    return await runTests(files, server, jupyterEnv);
  } finally {
    await cleanUp();
  }
}

process.exitCode = await main();
