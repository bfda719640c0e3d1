/**
 * `runPython(program)`: the chapter's Python, run beside its port, with the
 * `python3` on PATH. A notebook compares itself with Python where Python is
 * installed and says why not where it is not, so a missing or failing
 * python3 is an answer (ok: false, why), never an exception.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionsObject, typeError, valueError } from '../internal/validate.js';

export interface RunPythonOptions {
  /** Command-line arguments (sys.argv[1:]). @default [] */
  args?: string[];
  /** Text for the program's standard input. @default none */
  input?: string;
  /** Give up (and kill it) after this many seconds. @default 120 */
  timeoutSeconds?: number;
}

export type PythonRun =
  | { ok: true; stdout: string; stderr: string; version: string }
  | { ok: false; why: string; stdout: string; stderr: string };

const PYTHON = 'python3';
let version: string | undefined;

/**
 * Runs `program` (Python source) with the python3 on PATH, from a temporary
 * file (so multiprocessing's spawn can import it), and waits for it.
 *
 * @example
 * const run = runPython('import sys; print(sys.version)');
 * console.log(run.ok ? run.stdout : `Python skipped: ${run.why}`);
 */
export function runPython(program: string, options?: RunPythonOptions): PythonRun {
  if (typeof program !== 'string') throw typeError('program', 'Python source code (a string)', program);
  const { args = [], input, timeoutSeconds = 120 } = optionsObject<RunPythonOptions>('options', options);
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) throw typeError('args', 'an array of strings', args);
  if (input !== undefined && typeof input !== 'string') throw typeError('input', 'a string', input);
  if (typeof timeoutSeconds !== 'number' || !(timeoutSeconds > 0)) throw valueError('timeoutSeconds', 'a positive number of seconds', timeoutSeconds);
  const dir = mkdtempSync(join(tmpdir(), 'loom-python-'));
  try {
    const file = join(dir, 'program.py');
    writeFileSync(file, program);
    const run = spawnSync(PYTHON, [file, ...args], { input, encoding: 'utf8', timeout: timeoutSeconds * 1000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 });
    const stdout = run.stdout ?? '';
    const stderr = run.stderr ?? '';
    if (run.error) {
      const code = (run.error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'there is no python3 on PATH' : code === 'ETIMEDOUT' ? `python3 did not finish within ${timeoutSeconds} s` : run.error.message;
      return { ok: false, why, stdout, stderr };
    }
    if (run.status !== 0) {
      const last = stderr.trim().split('\n').pop() ?? '';
      return { ok: false, why: `python3 exited with ${run.status ?? run.signal}${last ? `: ${last}` : ''}`, stdout, stderr };
    }
    return { ok: true, stdout, stderr, version: pythonVersion() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `3.12.1`: the version of the python3 on PATH, asked once. */
function pythonVersion(): string {
  version ??= spawnSync(PYTHON, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).stdout?.trim() || 'unknown';
  return version;
}
