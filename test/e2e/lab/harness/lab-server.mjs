// Starts and stops server/lab_server.py (Debian's jupyter_server serving our
// JupyterLab build) on 127.0.0.1 with a random token, in the throwaway Jupyter
// world of jupyter-env.mjs. Stopping it also stops every kernel it started.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { PYTHON, SERVER_SCRIPT } from './paths.mjs';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** A port that was free a moment ago; the server moves on to a nearby one if it is taken by then. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves when the child has exited, or false after timeoutMs. */
function waitForExit(child, timeoutMs) {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * jupyter_client starts each kernel in a session of its own, so a server that
 * had to be SIGKILLed leaves them running. Ours are the processes whose
 * command line (the connection file) or working directory is inside tmp.
 */
export function killStrayKernels(tmp) {
  const inTmp = (path) => path === tmp || path.startsWith(`${tmp}/`);
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)) {
    try {
      const ours = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some(inTmp) || inTmp(readlinkSync(`/proc/${pid}/cwd`));
      if (ours) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
}

/**
 * Starts the server and waits until it answers. `logFile` receives its output.
 * Returns { url, token, api(path, init), stop() }.
 */
export async function startLabServer(jupyterEnv, { logFile }) {
  const token = randomBytes(16).toString('hex');
  const args = [
    SERVER_SCRIPT,
    '--no-browser',
    '--allow-root',
    '--ServerApp.ip=127.0.0.1',
    `--ServerApp.port=${await freePort()}`,
    `--ServerApp.token=${token}`,
    `--ServerApp.root_dir=${jupyterEnv.root}`,
    `--LoomLab.user_settings_dir=${join(jupyterEnv.tmp, 'lab-settings')}`,
    `--LoomLab.workspaces_dir=${join(jupyterEnv.tmp, 'lab-workspaces')}`,
  ];
  const log = createWriteStream(logFile);
  // Its own process group, so stopping it reaches whatever it spawned in that group.
  const child = spawn(PYTHON, args, { cwd: jupyterEnv.root, env: jupyterEnv.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const logTail = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '');

  const stop = async () => {
    if (!exited(child)) {
      // SIGTERM: jupyter_server shuts its kernels down, then exits.
      killGroup(child.pid, 'SIGTERM');
      if (!(await waitForExit(child, STOP_TIMEOUT_MS))) killGroup(child.pid, 'SIGKILL');
      await waitForExit(child, STOP_TIMEOUT_MS);
    }
    killStrayKernels(jupyterEnv.tmp);
    log.end();
  };

  try {
    const url = await waitUntilServing(child, jupyterEnv, token);
    const api = (path, init = {}) => fetch(new URL(path, url), { ...init, headers: { Authorization: `token ${token}`, ...init.headers } });
    return { url, token, api, stop, logFile };
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\n--- ${logFile} (last lines) ---\n${logTail()}`);
  }
}

/** The server writes jpserver-PID.json once it listens; then /api/status must answer. */
async function waitUntilServing(child, jupyterEnv, token) {
  const infoFile = join(jupyterEnv.env.JUPYTER_RUNTIME_DIR, `jpserver-${child.pid}.json`);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`lab_server.py exited (${child.exitCode ?? child.signalCode}) before it served`);
    if (existsSync(infoFile)) {
      try {
        const { url } = JSON.parse(readFileSync(infoFile, 'utf8'));
        const status = await fetch(new URL('api/status', url), { headers: { Authorization: `token ${token}` } });
        if (status.ok) return url;
      } catch {
        // half-written info file, or not accepting yet
      }
    }
    await delay(100); // polling a condition, with a deadline
  }
  throw new Error(`lab_server.py did not answer within ${START_TIMEOUT_MS / 1000} s`);
}
